using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// The subset of Go templates docker's <c>--format</c> flags are used with, over JSON data:
/// <c>{{.Field}}</c>, <c>{{.A.B}}</c>, <c>{{.}}</c>, functions <c>json</c>, <c>upper</c>,
/// <c>lower</c>, <c>title</c>, <c>join LIST SEP</c>, <c>len</c>, <c>index X KEY</c>, pipes
/// (<c>{{.Config.Env | json}}</c>) and string literals. As in docker, a <c>table</c> prefix asks
/// for aligned columns with a header row, <c>\t</c> and <c>\n</c> are unescaped, and the format
/// <c>json</c> means <c>{{json .}}</c>. Values print like Go's <c>%v</c>: lists as <c>[a b]</c>,
/// objects as <c>map[k:v]</c>.
/// </summary>
public sealed class GoTemplate
{
    private const string TablePrefix = "table";
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<(string? Text, string? Action)> _segments;

    private GoTemplate(List<(string?, string?)> segments, bool isTable)
    {
        _segments = segments;
        IsTable = isTable;
    }

    /// <summary>True for a <c>table ...</c> format: print a header row and align the tab-separated cells.</summary>
    public bool IsTable { get; }

    /// <exception cref="FormatException">An action is not closed.</exception>
    public static GoTemplate Parse(string format)
    {
        var isTable = false;
        var text = format;
        if (text.StartsWith(TablePrefix, StringComparison.Ordinal) && (text.Length == TablePrefix.Length || char.IsWhiteSpace(text[TablePrefix.Length])))
        {
            isTable = true;
            text = text[TablePrefix.Length..];
        }
        text = text.Trim(' ');
        if (text == "json") text = "{{json .}}";
        text = text.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);

        var segments = new List<(string?, string?)>();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add((text[i..], null));
                break;
            }
            if (open > i) segments.Add((text[i..open], null));
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"template parsing error: template: :1: unclosed action in \"{format}\"");
            segments.Add((null, text[(open + 2)..close].Trim().Trim('-').Trim()));
            i = close + 2;
        }
        return new GoTemplate(segments, isTable);
    }

    /// <summary>Renders the template against <paramref name="data"/>.</summary>
    /// <exception cref="FormatException">A field does not exist or a function is unknown.</exception>
    public string Render(JsonElement data) => Render(action => Format(Evaluate(action, data)));

    /// <summary>
    /// The header row of a table format: each field action prints its header from
    /// <paramref name="headers"/> (by the last field name), else the field name in upper case.
    /// </summary>
    public string RenderHeader(IReadOnlyDictionary<string, string> headers) => Render(action =>
    {
        var field = action.Split([' ', '|'], StringSplitOptions.RemoveEmptyEntries).LastOrDefault(t => t.StartsWith('.')) ?? action;
        var name = field.TrimStart('.').Split('.').Last();
        if (name.Length == 0) return "";
        return headers.TryGetValue(name, out var header) ? header : name.ToUpperInvariant();
    });

    private string Render(Func<string, string> action)
    {
        var sb = new StringBuilder();
        foreach (var (text, act) in _segments)
            sb.Append(text ?? action(act!));
        return sb.ToString();
    }

    private static object? Evaluate(string action, JsonElement data)
    {
        object? previous = null;
        var first = true;
        foreach (var stage in SplitPipes(action))
        {
            var tokens = Tokenize(stage);
            if (tokens.Count == 0) throw new FormatException($"template: empty command in \"{action}\"");
            var args = tokens.Skip(1).Select(t => Operand(t, data)).ToList();
            if (!first) args.Add(previous);
            if (tokens[0].StartsWith('.') || tokens[0].StartsWith('"'))
            {
                if (tokens.Count > 1 || !first) throw new FormatException($"template: can't give arguments to a non-function {tokens[0]}");
                previous = Operand(tokens[0], data);
            }
            else
            {
                previous = Call(tokens[0], args);
            }
            first = false;
        }
        return previous;
    }

    private static object? Operand(string token, JsonElement data)
    {
        if (token.StartsWith('"')) return token[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal);
        if (!token.StartsWith('.')) throw new FormatException($"template: function \"{token}\" not defined");
        object? current = data;
        foreach (var part in token[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not JsonElement { ValueKind: JsonValueKind.Object } element)
            {
                if (current is JsonElement { ValueKind: JsonValueKind.Null }) return null;
                throw new FormatException($"template: can't evaluate field {part} in a non-object value");
            }
            if (!element.TryGetProperty(part, out var child))
                throw new FormatException($"template: can't evaluate field {part}");
            current = child;
        }
        return current;
    }

    private static object? Call(string function, List<object?> args)
    {
        string One() => args.Count == 1 ? Format(args[0]) : throw new FormatException($"template: wrong number of args for {function}: want 1 got {args.Count}");
        return function switch
        {
            "json" => args.Count == 1 ? ToJson(args[0]) : throw new FormatException($"template: wrong number of args for json: want 1 got {args.Count}"),
            "upper" => One().ToUpperInvariant(),
            "lower" => One().ToLowerInvariant(),
            "title" => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(One()),
            "len" => args.Count == 1 && args[0] is JsonElement e ? e.ValueKind switch
            {
                JsonValueKind.Array => e.GetArrayLength().ToString(CultureInfo.InvariantCulture),
                JsonValueKind.Object => e.EnumerateObject().Count().ToString(CultureInfo.InvariantCulture),
                _ => Format(e).Length.ToString(CultureInfo.InvariantCulture),
            } : One().Length.ToString(CultureInfo.InvariantCulture),
            "join" => args.Count == 2 && args[0] is JsonElement { ValueKind: JsonValueKind.Array } list
                ? string.Join(Format(args[1]), list.EnumerateArray().Select(x => Format(x)))
                : throw new FormatException("template: join wants a list and a separator"),
            "index" => args.Count == 2 && args[0] is JsonElement container ? Index(container, Format(args[1])) : throw new FormatException("template: index wants a value and a key"),
            _ => throw new FormatException($"template: function \"{function}\" not defined"),
        };
    }

    private static object? Index(JsonElement container, string key) => container.ValueKind switch
    {
        JsonValueKind.Object => container.TryGetProperty(key, out var v) ? v : null,
        JsonValueKind.Array when int.TryParse(key, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < container.GetArrayLength() => container[i],
        _ => throw new FormatException($"template: can't index item with {key}"),
    };

    private static string ToJson(object? value) => value switch
    {
        JsonElement e => JsonSerializer.Serialize(e, JsonOptions),
        string s => JsonSerializer.Serialize(s, JsonOptions),
        _ => "null",
    };

    /// <summary>Go's <c>%v</c>.</summary>
    private static string Format(object? value) => value switch
    {
        null => "<nil>",
        string s => s,
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => "<nil>",
            JsonValueKind.Array => "[" + string.Join(" ", e.EnumerateArray().Select(x => Format(x))) + "]",
            _ => "map[" + string.Join(" ", e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + Format(p.Value))) + "]",
        },
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<string> SplitPipes(string action)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < action.Length; i++)
        {
            if (action[i] == '"' && (i == 0 || action[i - 1] != '\\')) quoted = !quoted;
            else if (action[i] == '|' && !quoted)
            {
                yield return action[start..i];
                start = i + 1;
            }
        }
        yield return action[start..];
    }

    private static List<string> Tokenize(string stage)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < stage.Length)
        {
            if (char.IsWhiteSpace(stage[i]))
            {
                i++;
                continue;
            }
            var start = i;
            if (stage[i] == '"')
            {
                i++;
                while (i < stage.Length && (stage[i] != '"' || stage[i - 1] == '\\')) i++;
                if (i >= stage.Length) throw new FormatException($"template: unterminated quoted string in \"{stage}\"");
                i++;
            }
            else
            {
                while (i < stage.Length && !char.IsWhiteSpace(stage[i])) i++;
            }
            tokens.Add(stage[start..i]);
        }
        return tokens;
    }
}
