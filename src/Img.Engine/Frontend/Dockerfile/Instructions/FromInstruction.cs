namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>FROM [--platform=p] base [AS name]</c>; it starts a <see cref="Stage"/>.</summary>
/// <param name="BaseName">The image reference or stage name, not yet expanded.</param>
/// <param name="StageName">The lower-cased <c>AS</c> name, or "".</param>
/// <param name="Platform">The <c>--platform</c> value, not yet expanded, or "".</param>
public sealed record FromInstruction(InstructionSource Source, string BaseName, string StageName, string Platform) : Instruction(Source)
{
    public override string Name => "FROM";
}
