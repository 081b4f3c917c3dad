namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>STOPSIGNAL signal</c>; validated at conversion, after expansion.</summary>
public sealed record StopsignalInstruction(InstructionSource Source, string Signal) : Instruction(Source)
{
    public override string Name => "STOPSIGNAL";
}
