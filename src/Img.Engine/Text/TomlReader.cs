using System.Globalization;
using System.Text;

namespace Img.Engine.Text;

/// <summary>
/// The TOML that configuration files like buildkitd.toml use, and no more: <c>[table]</c> and
/// <c>[[array.of.tables]]</c> headers, <c>key = value</c> with bare or quoted keys, basic and
/// literal strings, integers, floats, booleans and (possibly multi-line) arrays of those, comments.
/// Every value keeps its line, so a caller can say <c>FILE:LINE</c> about a bad one.
/// </summary>
public static class TomlReader
{
    /// <summary>Parses <paramref name="text"/>; table paths are dotted (<c>worker.oci</c>), one entry per header in file order.</summary>
    /// <exception cref="TomlException">Not TOML this reader understands (with the line).</exception>
    public static IReadOnlyList<TomlTable> Parse(string text)
    {
        var tables = new List<TomlTable> { new("", false, 0) };
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var line = StripComment(lines[i]).Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("[[", StringComparison.Ordinal))
            {
                if (!line.EndsWith("]]", StringComparison.Ordinal))
                    throw new TomlException(lineNo, $"invalid table header {line}");
                tables.Add(new TomlTable(HeaderPath(line[2..^2], lineNo), true, lineNo));
                continue;
            }
            if (line.StartsWith('['))
            {
                if (!line.EndsWith(']'))
                    throw new TomlException(lineNo, $"invalid table header {line}");
                var path = HeaderPath(line[1..^1], lineNo);
                if (tables.Any(t => !t.IsArrayItem && t.Path == path))
                    throw new TomlException(lineNo, $"table [{path}] is defined twice");
                tables.Add(new TomlTable(path, false, lineNo));
                continue;
            }
            var eq = FindEquals(line);
            if (eq < 0)
                throw new TomlException(lineNo, $"expected key = value, found {line}");
            var key = Key(line[..eq].Trim(), lineNo);
            var valueText = line[(eq + 1)..].Trim();
            // a multi-line array: gather lines until the brackets balance
            while (valueText.StartsWith('[') && !Balanced(valueText) && i + 1 < lines.Length)
                valueText += " " + StripComment(lines[++i]).Trim();
            var pos = 0;
            var value = ParseValue(valueText, ref pos, lineNo);
            if (valueText[pos..].Trim().Length > 0)
                throw new TomlException(lineNo, $"unexpected text after the value of {key}: {valueText[pos..].Trim()}");
            var table = tables[^1];
            if (table.Values.ContainsKey(key))
                throw new TomlException(lineNo, $"key {key} is defined twice");
            table.Values[key] = new TomlValue(value, lineNo);
        }
        return tables;
    }

    private static string HeaderPath(string inside, int lineNo)
    {
        // dots inside quoted keys ([registry."docker.io"]) are part of the key
        var parts = new List<string>();
        var start = 0;
        char? quote = null;
        for (var i = 0; i <= inside.Length; i++)
        {
            if (i == inside.Length || (quote is null && inside[i] == '.'))
            {
                parts.Add(Key(inside[start..i].Trim(), lineNo));
                start = i + 1;
            }
            else if (quote is { } q && inside[i] == q) quote = null;
            else if (quote is null && inside[i] is '"' or '\'') quote = inside[i];
        }
        return string.Join('.', parts);
    }

    private static string Key(string text, int lineNo)
    {
        if (text.Length >= 2 && (text[0] == '"' || text[0] == '\''))
        {
            var pos = 0;
            return (string)ParseValue(text, ref pos, lineNo);
        }
        if (text.Length == 0 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new TomlException(lineNo, $"invalid key '{text}'");
        return text;
    }

    private static object ParseValue(string s, ref int pos, int lineNo)
    {
        while (pos < s.Length && s[pos] == ' ') pos++;
        if (pos >= s.Length)
            throw new TomlException(lineNo, "missing value");
        switch (s[pos])
        {
            case '"':
            {
                var sb = new StringBuilder();
                for (pos++; pos < s.Length; pos++)
                {
                    var c = s[pos];
                    if (c == '"')
                    {
                        pos++;
                        return sb.ToString();
                    }
                    if (c == '\\' && pos + 1 < s.Length)
                    {
                        pos++;
                        sb.Append(s[pos] switch
                        {
                            'n' => '\n', 't' => '\t', 'r' => '\r', '"' => '"', '\\' => '\\',
                            var other => throw new TomlException(lineNo, $"unsupported escape \\{other}"),
                        });
                        continue;
                    }
                    sb.Append(c);
                }
                throw new TomlException(lineNo, "unterminated string");
            }
            case '\'':
            {
                var end = s.IndexOf('\'', pos + 1);
                if (end < 0)
                    throw new TomlException(lineNo, "unterminated string");
                var text = s[(pos + 1)..end];
                pos = end + 1;
                return text;
            }
            case '[':
            {
                var items = new List<object>();
                pos++;
                while (true)
                {
                    while (pos < s.Length && s[pos] is ' ' or ',') pos++;
                    if (pos >= s.Length)
                        throw new TomlException(lineNo, "unterminated array");
                    if (s[pos] == ']')
                    {
                        pos++;
                        return items;
                    }
                    items.Add(ParseValue(s, ref pos, lineNo));
                }
            }
            default:
            {
                var start = pos;
                while (pos < s.Length && s[pos] is not (',' or ']' or ' ')) pos++;
                var word = s[start..pos];
                if (word is "true") return true;
                if (word is "false") return false;
                var digits = word.Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                throw new TomlException(lineNo, $"invalid value {word} (strings are quoted)");
            }
        }
    }

    private static int FindEquals(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == q) quote = null;
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '=') return i;
        }
        return -1;
    }

    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == '\\' && q == '"') i++;
                else if (c == q) quote = null;
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#') return line[..i];
        }
        return line;
    }

    private static bool Balanced(string text)
    {
        var depth = 0;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '[') depth++;
            else if (c == ']') depth--;
        }
        return depth == 0;
    }
}
