namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>SHELL ["executable", "params"]</c>: the shell for later shell-form commands.</summary>
public sealed record ShellInstruction(InstructionSource Source, IReadOnlyList<string> Shell) : Instruction(Source)
{
    public override string Name => "SHELL";
}
