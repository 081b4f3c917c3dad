namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// State that changes while one Dockerfile is read: the directive block and the escape token,
/// which the <c># escape=</c> directive may switch to a backtick for the rest of the file.
/// </summary>
internal sealed class ParserContext
{
    public const char DefaultEscapeToken = '\\';

    public char EscapeToken { get; private set; } = DefaultEscapeToken;

    public DirectiveParser Directives { get; } = new();

    /// <summary>Feeds a line to the directive block; true when the line was a directive.</summary>
    /// <exception cref="ParseFailure">Repeated directive or unsupported escape token.</exception>
    public bool TryApplyDirective(string line)
    {
        var directive = Directives.ParseLine(line);
        if (directive is null)
            return false;
        if (directive.Name == DirectiveParser.Escape)
        {
            if (directive.Value is not ("`" or "\\"))
                throw new ParseFailure($"invalid escape token '{directive.Value}' does not match ` or \\");
            EscapeToken = directive.Value[0];
        }
        return true;
    }

    /// <summary>
    /// Strips a trailing escape token (plus spaces and tabs after it) that continues the line.
    /// An escape token preceded by another one is a literal, so it does not continue the line.
    /// </summary>
    /// <returns>The line without the continuation, and whether the instruction ends here.</returns>
    public (string Line, bool IsEndOfLine) TrimContinuation(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
            end--;
        if (end == 0 || line[end - 1] != EscapeToken)
            return (line, true);
        var escapeAt = end - 1;
        if (escapeAt > 0 && line[escapeAt - 1] == EscapeToken)
            return (line, true);
        return (line[..escapeAt], false);
    }
}
