namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>The outcome of <see cref="DockerfileParser.Parse(string)"/>.</summary>
/// <param name="Root">Root node; its children are the instructions in file order.</param>
/// <param name="EscapeToken">The escape token in effect: <c>\</c> or a backtick.</param>
/// <param name="Warnings">Tolerated problems, in file order.</param>
/// <param name="Directives">The parser directives found at the top of the file.</param>
public sealed record ParseResult(
    Node Root,
    char EscapeToken,
    IReadOnlyList<ParseWarning> Warnings,
    IReadOnlyList<ParserDirective> Directives);
