using System.Text;
using System.Text.RegularExpressions;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// One cleaned pattern of a <see cref="PatternMatcher"/>. Like moby/patternmatcher it is sorted
/// into the cheapest test that is exact: an exact path, a prefix (<c>dir/**</c>), a suffix
/// (<c>**/name</c>), or a regular expression; the classification and the expression are built on
/// first use, so a malformed expression only fails when it is first consulted.
/// </summary>
public sealed class IgnorePattern
{
    private enum MatchKind { Exact, Prefix, Suffix, Regex }

    private readonly Lazy<(MatchKind Kind, Regex? Regex)> _compiled;

    internal IgnorePattern(string cleanedPattern, bool isExclusion)
    {
        Pattern = cleanedPattern;
        IsExclusion = isExclusion;
        Dirs = cleanedPattern.Split('/');
        _compiled = new Lazy<(MatchKind, Regex?)>(Compile, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The pattern after cleaning, without its leading <c>!</c>.</summary>
    public string Pattern { get; }

    /// <summary>True for a <c>!pattern</c> exception that re-includes what earlier patterns excluded.</summary>
    public bool IsExclusion { get; }

    internal string[] Dirs { get; }

    public override string ToString() => Pattern;

    /// <summary>Whether <paramref name="path"/> (slash-separated, relative) matches.</summary>
    /// <exception cref="IgnorePatternException">The pattern is not a valid expression.</exception>
    internal bool Match(string path)
    {
        var (kind, regex) = _compiled.Value;
        switch (kind)
        {
            case MatchKind.Exact:
                return path == Pattern;
            case MatchKind.Prefix:
                return path.StartsWith(Pattern[..^2], StringComparison.Ordinal);
            case MatchKind.Suffix:
            {
                string suffix = Pattern[2..];
                if (path.EndsWith(suffix, StringComparison.Ordinal))
                {
                    return true;
                }
                // "**/foo" also matches "foo" itself.
                return suffix.Length > 0 && suffix[0] == '/' && path == suffix[1..];
            }
            default:
                return regex!.IsMatch(path);
        }
    }

    // Walks the pattern the way patternmatcher does: "**" (with a following "/" eaten) is any
    // number of directories, "*" anything but "/", "?" one character but "/"; a backslash escapes
    // the next character; brackets are copied into the expression. Only some constructs need a
    // regular expression; "**" at the very start or end allows the cheaper suffix/prefix tests.
    private (MatchKind, Regex?) Compile()
    {
        var regex = new StringBuilder("^");
        var kind = MatchKind.Exact;
        var runes = Pattern.EnumerateRunes().ToArray();
        int pos = 0;
        int Peek() => pos < runes.Length ? runes[pos].Value : -1;

        for (int i = 0; pos < runes.Length; i++)
        {
            int ch = runes[pos++].Value;
            if (ch == '*')
            {
                if (Peek() == '*')
                {
                    pos++;
                    if (Peek() == '/')
                    {
                        pos++;
                    }
                    if (Peek() == -1)
                    {
                        // Trailing "**" matches everything below, like .gitignore.
                        if (kind == MatchKind.Exact)
                        {
                            kind = MatchKind.Prefix;
                        }
                        else
                        {
                            regex.Append(".*");
                            kind = MatchKind.Regex;
                        }
                    }
                    else
                    {
                        // Any number of directories, including none.
                        regex.Append("(.*/)?");
                        kind = MatchKind.Regex;
                    }
                    if (i == 0)
                    {
                        kind = MatchKind.Suffix;
                    }
                }
                else
                {
                    regex.Append("[^/]*");
                    kind = MatchKind.Regex;
                }
            }
            else if (ch == '?')
            {
                regex.Append("[^/]");
                kind = MatchKind.Regex;
            }
            else if (ch is '.' or '+' or '(' or ')' or '|' or '{' or '}' or '$')
            {
                // Meaningful to a regular expression but not to a glob.
                regex.Append('\\').Append((char)ch);
            }
            else if (ch == '\\')
            {
                if (Peek() != -1)
                {
                    regex.Append('\\').Append(runes[pos++].ToString());
                    kind = MatchKind.Regex;
                }
                else
                {
                    regex.Append('\\');
                }
            }
            else if (ch is '[' or ']')
            {
                regex.Append((char)ch);
                kind = MatchKind.Regex;
            }
            else
            {
                regex.Append(char.ConvertFromUtf32(ch));
            }
        }

        if (kind != MatchKind.Regex)
        {
            return (kind, null);
        }
        regex.Append('$');
        string? translated = GoRegexTranslator.Translate(regex.ToString())
            ?? throw new IgnorePatternException(IgnorePatternException.BadPattern);
        return (kind, new Regex(translated, RegexOptions.CultureInvariant));
    }
}
