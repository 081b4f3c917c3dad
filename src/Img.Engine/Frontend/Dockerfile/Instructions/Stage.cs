namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// A build stage: its FROM and the instructions up to the next FROM.
/// </summary>
/// <param name="Index">0-based position among the stages (<c>COPY --from=0</c>).</param>
/// <param name="From">The FROM that starts it.</param>
/// <param name="Commands">The instructions after FROM, in order.</param>
public sealed record Stage(int Index, FromInstruction From, IReadOnlyList<Instruction> Commands)
{
    /// <summary>The lower-cased <c>AS</c> name, or "".</summary>
    public string Name => From.StageName;
    public string BaseName => From.BaseName;
    public string Platform => From.Platform;
}
