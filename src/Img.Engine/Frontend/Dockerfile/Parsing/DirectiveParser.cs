using System.Text.RegularExpressions;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Recognises parser directives line by line. Directives are only honoured while every line so
/// far was one: the first line that is not a known directive (an instruction, a blank line, any
/// other comment) ends the directive block for good.
/// </summary>
internal sealed partial class DirectiveParser
{
    public const string Syntax = "syntax";
    public const string Escape = "escape";
    public const string Check = "check";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly string _commentPrefix;
    private int _line;
    private bool _done;

    public DirectiveParser(string commentPrefix = "#") => _commentPrefix = commentPrefix;

    public List<ParserDirective> Directives { get; } = new();

    // Go's \s is [\t\n\f\r ] (no \v), and its $ only matches at the very end.
    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DirectiveRegex();

    /// <summary>Returns the directive on this line, or null once the directive block is over.</summary>
    /// <exception cref="ParseFailure">The directive was already given.</exception>
    public ParserDirective? ParseLine(string line)
    {
        _line++;
        if (_done)
            return null;
        if (!line.StartsWith(_commentPrefix, StringComparison.Ordinal))
        {
            _done = true;
            return null;
        }
        var match = DirectiveRegex().Match(GoText.TrimLeftSpace(line[_commentPrefix.Length..]));
        if (!match.Success)
        {
            _done = true;
            return null;
        }
        var name = match.Groups[1].Value.ToLowerInvariant();
        if (name is not (Syntax or Escape or Check))
        {
            _done = true;
            return null;
        }
        if (!_seen.Add(name))
            throw new ParseFailure($"only one {name} parser directive can be used");
        var directive = new ParserDirective(name, match.Groups[2].Value, _line);
        Directives.Add(directive);
        return directive;
    }
}
