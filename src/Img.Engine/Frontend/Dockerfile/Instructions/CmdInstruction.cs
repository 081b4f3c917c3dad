namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>CMD command</c> (shell form) or <c>CMD ["exec", "form"]</c>.</summary>
public sealed record CmdInstruction(InstructionSource Source, CommandLine Command) : Instruction(Source)
{
    public override string Name => "CMD";
}
