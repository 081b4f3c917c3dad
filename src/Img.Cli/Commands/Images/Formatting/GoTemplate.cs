using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// The subset of Go templates docker's <c>--format</c> flags are used with, over
/// <see cref="GoValue"/> data: <c>{{.Field}}</c>, <c>{{.A.B}}</c>, <c>{{.}}</c>, functions
/// <c>json</c>, <c>upper</c>, <c>lower</c>, <c>title</c>, <c>join LIST SEP</c>, <c>split S SEP</c>,
/// <c>len</c>, <c>index X KEY</c>, pipes (<c>{{.Config.Env | json}}</c>), string and integer
/// literals. As in docker, a <c>table</c> prefix asks for aligned columns with a header row,
/// <c>\t</c> and <c>\n</c> are unescaped, and the format <c>json</c> means <c>{{json .}}</c>.
/// Values print like Go's <c>%v</c> (<see cref="GoValue.Print"/>); errors read like
/// text/template's (<c>template: :1:9: executing "" at &lt;.Config.X&gt;: ...</c>).
/// </summary>
public sealed class GoTemplate
{
    private const string TablePrefix = "table";
    private static readonly HashSet<string> Functions = ["json", "upper", "lower", "title", "len", "join", "split", "index"];
    private readonly string _text;
    private readonly List<Segment> _segments;

    private GoTemplate(string text, List<Segment> segments, bool isTable)
    {
        _text = text;
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

        var segments = new List<Segment>();
        var i = 0;
        var trimNext = false;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var literal = open < 0 ? text[i..] : text[i..open];
            if (trimNext) literal = literal.TrimStart();
            if (open < 0)
            {
                segments.Add(new Segment(literal, null, 0));
                break;
            }
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"template parsing error: template: :1: unclosed action in \"{format}\"");
            var (start, end) = (open + 2, close);
            // "{{- " and " -}}" trim the white space of the text next to the action.
            if (text.AsSpan(start, end - start).StartsWith("- "))
            {
                literal = literal.TrimEnd();
                start += 2;
            }
            trimNext = end - start >= 2 && text.AsSpan(start, end - start).EndsWith(" -");
            if (trimNext) end -= 2;
            if (literal.Length > 0) segments.Add(new Segment(literal, null, 0));
            var action = new Segment(null, text[start..end], start);
            CheckFunctions(text, action);
            segments.Add(action);
            i = close + 2;
        }
        return new GoTemplate(text, segments, isTable);
    }

    /// <summary>Like text/template, unknown functions are parse errors.</summary>
    private static void CheckFunctions(string text, Segment action)
    {
        foreach (var (stage, offset) in SplitPipes(action.Action!, action.Offset))
        {
            var tokens = Tokenize(stage, offset);
            if (tokens.Count > 0 && !IsOperand(tokens[0].Text) && !Functions.Contains(tokens[0].Text))
                throw new FormatException($"template parsing error: template: :{1 + text[..offset].Count(c => c == '\n')}: function \"{tokens[0].Text}\" not defined");
        }
    }

    /// <summary>Renders the template against JSON data (objects are maps that refuse unknown keys).</summary>
    /// <exception cref="FormatException">A field does not exist or a function is unknown.</exception>
    public string Render(JsonElement data) => Render(GoValue.FromJson(data));

    /// <summary>Renders the template against <paramref name="data"/>.</summary>
    /// <exception cref="GoTemplateException">A field does not exist, a function is unknown or misused.</exception>
    public string Render(GoValue data) => Render(segment => Evaluate(segment, data).Print());

    /// <summary>
    /// The header row of a table format: each field action prints its header from
    /// <paramref name="headers"/> (by the last field name), else the field name in upper case.
    /// </summary>
    public string RenderHeader(IReadOnlyDictionary<string, string> headers) => Render(segment =>
    {
        var action = segment.Action!;
        var field = action.Split([' ', '|'], StringSplitOptions.RemoveEmptyEntries).LastOrDefault(t => t.StartsWith('.')) ?? action;
        var name = field.TrimStart('.').Split('.').Last();
        if (name.Length == 0) return "";
        return headers.TryGetValue(name, out var header) ? header : name.ToUpperInvariant();
    });

    private string Render(Func<Segment, string> action)
    {
        var sb = new StringBuilder();
        foreach (var segment in _segments)
            sb.Append(segment.Text ?? action(segment));
        return sb.ToString();
    }

    private GoValue Evaluate(Segment segment, GoValue data)
    {
        GoValue? previous = null;
        foreach (var (stage, stageOffset) in SplitPipes(segment.Action!, segment.Offset))
        {
            var tokens = Tokenize(stage, stageOffset);
            if (tokens.Count == 0) throw Error(segment.Offset, segment.Action!.Trim(), $"empty command in \"{segment.Action}\"");
            var (head, headOffset) = tokens[0];
            if (IsOperand(head))
            {
                if (tokens.Count > 1 || previous is not null)
                    throw Error(headOffset, head, $"can't give argument to non-function {head}");
                previous = Operand(head, headOffset, data);
                continue;
            }
            var args = tokens.Skip(1).Select(t => Operand(t.Text, t.Offset, data)).ToList();
            if (previous is not null) args.Add(previous);
            try
            {
                previous = Call(head, args);
            }
            catch (GoTemplateException e)
            {
                throw Error(headOffset, head, e.Message);
            }
        }
        return previous ?? GoNoValue.Instance;
    }

    private static bool IsOperand(string token) =>
        token.StartsWith('.') || token.StartsWith('"') || char.IsAsciiDigit(token[0]) || (token[0] == '-' && token.Length > 1);

    private GoValue Operand(string token, int offset, GoValue data)
    {
        if (token.StartsWith('"')) return new GoString(token[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal));
        if (!token.StartsWith('.'))
        {
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                return new GoNumber(number);
            throw new GoTemplateException($"can't evaluate {token}");
        }
        var parts = token[1..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        // text/template reports a field chain at its second field, a single field at itself.
        var position = parts.Length > 1 ? offset + 1 + parts[0].Length : offset;
        var current = data;
        foreach (var part in parts)
        {
            try
            {
                current = current.Field(part) ?? throw new GoTemplateException($"can't evaluate field {part} in type {current.TypeName}");
            }
            catch (GoTemplateException e)
            {
                throw Error(position, token, e.Message);
            }
        }
        return current;
    }

    private static GoValue Call(string function, List<GoValue> args)
    {
        void Want(int n)
        {
            if (args.Count != n) throw new GoTemplateException($"wrong number of args for {function}: want {n} got {args.Count}");
        }
        switch (function)
        {
            case "json":
                Want(1);
                return new GoString(GoJson.Serialize(args[0]));
            case "upper":
                Want(1);
                return new GoString(args[0].Print().ToUpperInvariant());
            case "lower":
                Want(1);
                return new GoString(args[0].Print().ToLowerInvariant());
            case "title":
                Want(1);
                return new GoString(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(args[0].Print()));
            case "len":
                Want(1);
                return args[0].Length is { } length
                    ? new GoNumber(length)
                    : throw new GoTemplateException($"error calling len: len of type {args[0].TypeName}");
            case "join":
                Want(2);
                return args[0] is GoList list
                    ? new GoString(string.Join(args[1].Print(), (list.Items ?? []).Select(i => i.Print())))
                    : throw new GoTemplateException($"wrong type for value; expected []string; got {args[0].TypeName}");
            case "split":
                Want(2);
                return GoList.Strings(args[0].Print().Split(args[1].Print()));
            case "index":
                Want(2);
                return args[0].Index(args[1].Print())
                    ?? throw new GoTemplateException($"error calling index: cannot index {args[0].TypeName} with {args[1].Print()}");
            default:
                throw new InvalidOperationException($"function {function} passed the parse-time check but is not implemented");
        }
    }

    /// <summary>text/template's context for a failure: line and column (0-based) of the node, and the node.</summary>
    private GoTemplateException Error(int offset, string node, string message)
    {
        var before = _text[..Math.Min(offset, _text.Length)];
        var newline = before.LastIndexOf('\n');
        var line = 1 + before.Count(c => c == '\n');
        var column = newline < 0 ? offset : offset - newline - 1;
        return new GoTemplateException($"template: :{line}:{column}: executing \"\" at <{node}>: {message}");
    }

    private static IEnumerable<(string Text, int Offset)> SplitPipes(string action, int offset)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < action.Length; i++)
        {
            if (action[i] == '"' && (i == 0 || action[i - 1] != '\\')) quoted = !quoted;
            else if (action[i] == '|' && !quoted)
            {
                yield return (action[start..i], offset + start);
                start = i + 1;
            }
        }
        yield return (action[start..], offset + start);
    }

    private static List<(string Text, int Offset)> Tokenize(string stage, int offset)
    {
        var tokens = new List<(string, int)>();
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
                if (i >= stage.Length) throw new GoTemplateException($"template: :1: unterminated quoted string in \"{stage}\"");
                i++;
            }
            else
            {
                while (i < stage.Length && !char.IsWhiteSpace(stage[i])) i++;
            }
            tokens.Add((stage[start..i], offset + start));
        }
        return tokens;
    }

    /// <summary>Literal text (<see cref="Text"/>) or an action, with where the action starts in the template.</summary>
    private sealed record Segment(string? Text, string? Action, int Offset);
}
