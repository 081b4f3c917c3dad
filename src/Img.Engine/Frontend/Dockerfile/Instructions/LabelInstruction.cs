namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>LABEL k=v ...</c>, in written order.</summary>
public sealed record LabelInstruction(InstructionSource Source, IReadOnlyList<KeyValue> Labels) : Instruction(Source)
{
    public override string Name => "LABEL";
}
