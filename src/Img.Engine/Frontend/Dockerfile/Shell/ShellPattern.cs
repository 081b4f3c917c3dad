using System.Text;
using System.Text.RegularExpressions;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// The shell patterns of <c>${VAR#p}</c>, <c>${VAR%p}</c> and <c>${VAR/p/r}</c>, as BuildKit
/// implements them: <c>*</c> is any run of characters (shortest or longest), <c>?</c> is one
/// character, <c>\*</c>, <c>\?</c> and <c>\\</c> are literals, <c>\}</c> and <c>\/</c> drop the
/// backslash, and any other escape is an error. There are no bracket expressions: <c>[</c> is literal.
/// </summary>
/// <remarks>
/// BuildKit compiles the pattern to a Go regular expression and relies on Go's leftmost-first
/// matching; .NET's backtracking engine prefers the same match for these simple expressions.
/// "One character" means one code point, as in Go, so surrogate pairs are matched as a unit.
/// </remarks>
internal static class ShellPattern
{
    // One code point, never a newline (Go's "." without the s flag).
    private const string AnyCodePoint = @"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\n])";

    /// <summary>
    /// Compiles a pattern. Returns null and sets <paramref name="error"/> for an escape BuildKit rejects.
    /// </summary>
    public static Regex? TryCompile(string pattern, bool greedy, bool anchored, out string error)
    {
        var reader = new RuneReader(pattern);
        var regex = new StringBuilder(pattern.Length + 8);
        if (anchored)
        {
            regex.Append(@"\A");
        }
        string star = greedy ? AnyCodePoint + "*" : AnyCodePoint + "*?";

        for (int tok = reader.Next(); tok != RuneReader.Eof; tok = reader.Next())
        {
            switch (tok)
            {
                case '*':
                    regex.Append(star);
                    continue;
                case '?':
                    regex.Append(AnyCodePoint);
                    continue;
                case '\\':
                    // "\}" and "\/" were needed to get past the ${...} syntax; the pattern does
                    // not see the backslash.
                    if (reader.Peek() == '}' || reader.Peek() == '/')
                    {
                        continue;
                    }
                    tok = reader.Next();
                    if (tok != '*' && tok != '?' && tok != '\\')
                    {
                        error = $"invalid escape '\\{RuneReader.ToText(tok)}'";
                        return null;
                    }
                    break;
            }
            regex.Append(Regex.Escape(RuneReader.ToText(tok)));
        }
        error = "";
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary><c>${VAR#p}</c> / <c>${VAR##p}</c>: drop the shortest (longest) matching prefix.</summary>
    public static string? TrimPrefix(string pattern, string value, bool greedy, out string error)
    {
        var regex = TryCompile(pattern, greedy, anchored: true, out error);
        if (regex is null)
        {
            error = $"invalid pattern ({pattern}) in substitution: {error}";
            return null;
        }
        var match = regex.Match(value);
        return match.Success ? value[(match.Index + match.Length)..] : value;
    }

    /// <summary>
    /// <c>${VAR%p}</c> / <c>${VAR%%p}</c>: drop the shortest (longest) matching suffix. A regular
    /// expression cannot find the shortest rightmost match, so, like BuildKit, reverse both the
    /// pattern and the value and trim a prefix. Errors name the reversed pattern, as BuildKit's do.
    /// </summary>
    public static string? TrimSuffix(string pattern, string value, bool greedy, out string error)
    {
        var trimmed = TrimPrefix(ReversePattern(pattern), ReverseString(value), greedy, out error);
        return trimmed is null ? null : ReverseString(trimmed);
    }

    /// <summary>
    /// <c>${VAR/p/r}</c> and <c>${VAR//p/r}</c>. Replacing one match inserts <paramref name="replacement"/>
    /// literally; replacing all goes through Go's <c>ReplaceAllString</c>, which expands <c>$0</c>,
    /// <c>${0}</c> (the match) and <c>$$</c> in the replacement, and skips an empty match right after
    /// a previous match. Both quirks are kept because BuildKit has them.
    /// </summary>
    public static string? Replace(string value, string pattern, string replacement, bool all, out string error)
    {
        var regex = TryCompile(pattern, greedy: true, anchored: false, out error);
        if (regex is null)
        {
            error = $"invalid pattern ({pattern}) in substitution: {error}";
            return null;
        }
        if (!all)
        {
            var first = regex.Match(value);
            return first.Success
                ? string.Concat(value.AsSpan(0, first.Index), replacement, value.AsSpan(first.Index + first.Length))
                : value;
        }

        var result = new StringBuilder(value.Length);
        int lastMatchEnd = 0;
        int searchPos = 0;
        while (searchPos <= value.Length)
        {
            var match = regex.Match(value, searchPos);
            if (!match.Success)
            {
                break;
            }
            int start = match.Index;
            int end = match.Index + match.Length;
            result.Append(value, lastMatchEnd, start - lastMatchEnd);
            if (end > lastMatchEnd || start == 0)
            {
                ExpandTemplate(result, replacement, match.Value);
            }
            lastMatchEnd = end;

            // Always advance by at least one code point.
            int width = searchPos >= value.Length ? 0
                : char.IsHighSurrogate(value[searchPos]) && searchPos + 1 < value.Length && char.IsLowSurrogate(value[searchPos + 1]) ? 2
                : 1;
            if (searchPos + width > end)
            {
                searchPos += width;
            }
            else if (searchPos + 1 > end)
            {
                searchPos++;
            }
            else
            {
                searchPos = end;
            }
        }
        result.Append(value, lastMatchEnd, value.Length - lastMatchEnd);
        return result.ToString();
    }

    // Go's Regexp.Expand for an expression whose only group is the whole match (group 0).
    private static void ExpandTemplate(StringBuilder dst, string template, string wholeMatch)
    {
        int i = 0;
        while (i < template.Length)
        {
            int dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                break;
            }
            dst.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                dst.Append('$');
                i++;
                continue;
            }
            if (!TryExtractGroupName(template, i, out string name, out int next))
            {
                // Malformed reference: the '$' is literal text.
                dst.Append('$');
                continue;
            }
            i = next;
            if (name == "0")
            {
                dst.Append(wholeMatch);
            }
            // Any other number or name refers to a group that does not exist: empty.
        }
        dst.Append(template, i, template.Length - i);
    }

    private static bool TryExtractGroupName(string template, int start, out string name, out int next)
    {
        name = "";
        next = start;
        if (start >= template.Length)
        {
            return false;
        }
        bool brace = template[start] == '{';
        int i = brace ? start + 1 : start;
        int nameStart = i;
        while (i < template.Length)
        {
            var status = Rune.DecodeFromUtf16(template.AsSpan(i), out var rune, out int consumed);
            if (status != System.Buffers.OperationStatus.Done
                || (!Rune.IsLetter(rune) && !Rune.IsDigit(rune) && rune.Value != '_'))
            {
                break;
            }
            i += consumed;
        }
        if (i == nameStart)
        {
            return false;
        }
        name = template[nameStart..i];
        if (brace)
        {
            if (i >= template.Length || template[i] != '}')
            {
                return false;
            }
            i++;
        }
        next = i;
        return true;
    }

    /// <summary>
    /// Reverses a pattern by code point while keeping each backslash in front of the character it
    /// escapes (<c>a\*c</c> becomes <c>c\*a</c>). A trailing lone backslash is kept as a character.
    /// </summary>
    public static string ReversePattern(string pattern)
    {
        var runes = pattern.EnumerateRunes().ToArray();
        var reversed = new Rune[runes.Length];
        int last = runes.Length - 1;
        for (int i = 0; i <= last;)
        {
            int outIndex = last - i;
            if (runes[i].Value == '\\' && i != last)
            {
                reversed[outIndex - 1] = runes[i];
                reversed[outIndex] = runes[i + 1];
                i += 2;
            }
            else
            {
                reversed[outIndex] = runes[i];
                i++;
            }
        }
        return RunesToString(reversed);
    }

    /// <summary>Reverses a string by code point, so surrogate pairs stay intact.</summary>
    public static string ReverseString(string value)
    {
        var runes = value.EnumerateRunes().ToArray();
        Array.Reverse(runes);
        return RunesToString(runes);
    }

    private static string RunesToString(Rune[] runes)
    {
        var sb = new StringBuilder(runes.Length);
        foreach (var rune in runes)
        {
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
