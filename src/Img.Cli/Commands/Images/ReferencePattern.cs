using System.Text;
using System.Text.RegularExpressions;

namespace Img.Cli.Commands.Images;

/// <summary>
/// docker's <c>reference=PATTERN</c> filter: a shell pattern (<c>*</c> and <c>?</c> stop at <c>/</c>,
/// <c>[...]</c> classes) matched against the familiar name with its tag (<c>busybox:latest</c>)
/// and without it (<c>busybox</c>).
/// </summary>
internal sealed class ReferencePattern
{
    private readonly Regex _regex;

    private ReferencePattern(Regex regex) => _regex = regex;

    /// <exception cref="FormatException">An unclosed <c>[</c>.</exception>
    public static ReferencePattern Parse(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append("[^/]*"); break;
                case '?': sb.Append("[^/]"); break;
                case '\\' when i + 1 < pattern.Length: sb.Append(Regex.Escape(pattern[++i].ToString())); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 2 <= pattern.Length ? i + 2 : i + 1);
                    if (end < 0) throw new FormatException($"invalid reference pattern \"{pattern}\": unclosed [");
                    var body = pattern[(i + 1)..end];
                    if (body.StartsWith('^') || body.StartsWith('!')) body = "^" + body[1..];
                    sb.Append('[').Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new ReferencePattern(new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant));
    }

    public bool Matches(string familiarRepository, string? tag) =>
        _regex.IsMatch(familiarRepository) || (tag is not null && _regex.IsMatch(familiarRepository + ":" + tag));
}
