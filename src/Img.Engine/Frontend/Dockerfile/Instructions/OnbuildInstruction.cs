namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// <c>ONBUILD instruction</c>. <see cref="Expression"/> is the trigger as stored in the image
/// config's <c>OnBuild</c> list: the source text without the ONBUILD keyword, here-documents appended.
/// </summary>
public sealed record OnbuildInstruction(InstructionSource Source, string Expression) : Instruction(Source)
{
    public override string Name => "ONBUILD";
}
