namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>USER name[:group]</c>.</summary>
public sealed record UserInstruction(InstructionSource Source, string User) : Instruction(Source)
{
    public override string Name => "USER";
}
