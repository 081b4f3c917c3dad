namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>WORKDIR path</c>; relative paths resolve against the current working directory.</summary>
public sealed record WorkdirInstruction(InstructionSource Source, string Path) : Instruction(Source)
{
    public override string Name => "WORKDIR";
}
