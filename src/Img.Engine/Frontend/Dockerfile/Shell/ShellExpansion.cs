namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// The outcome of expanding one word: the expanded text, the same text split into words the way
/// <see cref="ShellLexer.ProcessWords"/> splits it, and which variable names the expansion looked up.
/// </summary>
/// <param name="Result">The expanded word, with spaces kept (what most instructions use).</param>
/// <param name="Words">The expansion split on unquoted whitespace.</param>
/// <param name="Matched">Names that were referenced and set (possibly to the empty string).</param>
/// <param name="Unmatched">Names that were referenced but not set; the instruction layer reports
/// these as undefined build args.</param>
public sealed record ShellExpansion(
    string Result,
    IReadOnlyList<string> Words,
    IReadOnlySet<string> Matched,
    IReadOnlySet<string> Unmatched);
