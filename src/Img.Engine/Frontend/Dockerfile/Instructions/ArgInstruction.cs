namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>ARG name[=default] ...</c>. Before the first FROM it declares a global (meta) arg.</summary>
public sealed record ArgInstruction(InstructionSource Source, IReadOnlyList<ArgDefinition> Args) : Instruction(Source)
{
    public override string Name => "ARG";
}
