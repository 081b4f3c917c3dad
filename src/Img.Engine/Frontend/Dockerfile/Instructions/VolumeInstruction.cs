namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>VOLUME /a /b</c> or <c>VOLUME ["/a"]</c>.</summary>
public sealed record VolumeInstruction(InstructionSource Source, IReadOnlyList<string> Volumes) : Instruction(Source)
{
    public override string Name => "VOLUME";
}
