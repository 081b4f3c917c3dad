namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>ENTRYPOINT command</c> or exec form; <c>ENTRYPOINT []</c> has null args.</summary>
public sealed record EntrypointInstruction(InstructionSource Source, CommandLine Command) : Instruction(Source)
{
    public override string Name => "ENTRYPOINT";
}
