namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>ENV k=v ...</c> or the legacy <c>ENV k v</c>.</summary>
public sealed record EnvInstruction(InstructionSource Source, IReadOnlyList<KeyValue> Env) : Instruction(Source)
{
    public override string Name => "ENV";
}
