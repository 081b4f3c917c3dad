using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// The per-keyword argument parsers. Each turns the argument text of one instruction into the
/// chain of argument nodes hung off the instruction's <see cref="Node.Next"/>. Values stay as
/// written (quotes, escapes and variables are left for the shell-word processing later), except
/// in the JSON form, where the JSON strings are decoded.
/// </summary>
internal static class ArgumentParsers
{
    public const string NotStringArrayMessage =
        "when using JSON array syntax, arrays must be comprised of strings only";

    /// <summary>The argument chain and whether the JSON (exec) form was used.</summary>
    public readonly record struct Parsed(Node? Next, bool IsJson = false);

    public static Parsed Dispatch(string keyword, string rest, ParserContext context) => keyword switch
    {
        "add" or "copy" or "volume" => ParseMaybeJsonToList(rest),
        "arg" => ParseNameOrNameValue(rest, context),
        "cmd" or "entrypoint" or "run" or "shell" => ParseMaybeJson(rest),
        "env" => new(ParseNameValue(rest, "ENV", context)),
        "label" => new(ParseNameValue(rest, "LABEL", context)),
        "expose" or "from" => new(ParseStringsWhitespaceDelimited(rest)),
        "healthcheck" => ParseHealthConfig(rest),
        "maintainer" or "stopsignal" or "user" or "workdir" => new(ParseString(rest)),
        // "onbuild" is read by InstructionNodes.FromLine, without recursion.
        // Unknown instructions still parse; the instruction layer rejects them with context.
        _ => new(new Node()),
    };

    /// <summary>
    /// Space-separated words in which quotes group but are kept, as are escapes (the escape token
    /// and the character after it are kept together, even a quote).
    /// </summary>
    public static List<string> ParseWords(string rest, char escapeToken)
    {
        var runes = GoText.Runes(rest);
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = 0;
        var blankOk = false;
        var phase = 0; // 0 = between words, 1 = in a word, 2 = in quotes

        for (var pos = 0; pos <= runes.Length; pos++)
        {
            var ch = pos < runes.Length ? runes[pos] : -1;
            if (phase == 0)
            {
                if (pos == runes.Length)
                    break;
                if (GoText.IsSpace(ch))
                    continue;
                phase = 1;
            }
            if (pos == runes.Length)
            {
                if (blankOk || word.Length > 0)
                    words.Add(word.ToString());
                break;
            }
            if (phase == 1)
            {
                if (GoText.IsSpace(ch))
                {
                    phase = 0;
                    if (blankOk || word.Length > 0)
                        words.Add(word.ToString());
                    word.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = 2;
                }
                if (ch == escapeToken)
                {
                    if (pos + 1 == runes.Length)
                        continue;
                    GoText.AppendRune(word, ch);
                    ch = runes[++pos];
                }
                GoText.AppendRune(word, ch);
                continue;
            }
            // phase 2: inside quotes
            if (ch == quote)
                phase = 1;
            // Nothing can be escaped inside single quotes.
            if (ch == escapeToken && quote != '\'')
            {
                if (pos + 1 == runes.Length)
                {
                    phase = 1;
                    continue;
                }
                GoText.AppendRune(word, ch);
                ch = runes[++pos];
            }
            GoText.AppendRune(word, ch);
        }
        return words;
    }

    /// <summary>
    /// ENV and LABEL: either the legacy <c>KEY value with spaces</c> form (one pair, separator
    /// "") or <c>k=v k2=v2</c> pairs (separator "="), as key/value/separator triples.
    /// </summary>
    private static Node? ParseNameValue(string rest, string instruction, ParserContext context)
    {
        var words = ParseWords(rest, context.EscapeToken);
        if (words.Count == 0)
            return null;

        // The first word decides the form: "=" in it means the k=v form.
        if (!words[0].Contains('='))
        {
            var parts = Whitespace.Split(rest, 2);
            if (parts.Count < 2)
                throw new ParseFailure($"{instruction} must have two arguments");
            return KeyValue(parts[0], parts[1], "");
        }

        Node? root = null;
        Node? tail = null;
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq < 0)
                throw new ParseFailure(
                    $"Syntax error - can't find = in {GoQuote.Quote(word)}. Must be of the form: name=value");
            var pair = KeyValue(word[..eq], word[(eq + 1)..], "=");
            if (root is null)
                root = pair;
            else
                tail!.Next = pair;
            tail = pair.Next!.Next;
        }
        return root;
    }

    private static Node KeyValue(string key, string value, string separator) =>
        new() { Value = key, Next = new Node { Value = value, Next = new Node { Value = separator } } };

    /// <summary>ARG: each word (<c>name</c> or <c>name=value</c>) is one argument.</summary>
    private static Parsed ParseNameOrNameValue(string rest, ParserContext context) =>
        new(Chain(ParseWords(rest, context.EscapeToken)));

    public static Node? ParseStringsWhitespaceDelimited(string rest) =>
        rest.Length == 0 ? null : Chain(Whitespace.Split(rest, -1));

    private static Node? ParseString(string rest) => rest.Length == 0 ? null : new Node { Value = rest };

    private static Node? Chain(IEnumerable<string> values)
    {
        Node? root = null;
        Node? tail = null;
        foreach (var value in values)
        {
            var node = new Node { Value = value };
            if (root is null)
                root = node;
            else
                tail!.Next = node;
            tail = node;
        }
        return root;
    }

    /// <summary>JSON array of strings, or null when the text is not one.</summary>
    /// <exception cref="ParseFailure">Valid JSON array with an element that is not a string.</exception>
    private static Parsed? ParseJson(string rest)
    {
        switch (JsonStringArray.TryParse(rest, out var values))
        {
            case JsonStringArray.Outcome.Strings:
                return new Parsed(Chain(values), IsJson: true);
            case JsonStringArray.Outcome.NotStringArray:
                throw new ParseFailure(NotStringArrayMessage);
            default:
                return null;
        }
    }

    /// <summary>CMD, ENTRYPOINT, RUN, SHELL: exec form, else the whole text as one argument.</summary>
    private static Parsed ParseMaybeJson(string rest)
    {
        if (rest.Length == 0)
            return new Parsed(null);
        return ParseJson(rest) ?? new Parsed(new Node { Value = rest });
    }

    /// <summary>ADD, COPY, VOLUME: exec form, else whitespace-separated words.</summary>
    private static Parsed ParseMaybeJsonToList(string rest) =>
        ParseJson(rest) ?? new Parsed(ParseStringsWhitespaceDelimited(rest));

    /// <summary>
    /// HEALTHCHECK: a type word (<c>NONE</c>, <c>CMD</c>, ...) then a CMD-like command. The type
    /// ends at the first space byte, matching BuildKit's byte-wise scan.
    /// </summary>
    private static Parsed ParseHealthConfig(string rest)
    {
        var bytes = GoText.Encode(rest);
        var sep = 0;
        while (sep < bytes.Length && !GoText.IsSpace(bytes[sep]))
            sep++;
        var next = sep;
        while (next < bytes.Length && GoText.IsSpace(bytes[next]))
            next++;
        if (sep == 0)
            return new Parsed(null);
        var command = ParseMaybeJson(GoText.Decode(bytes.AsSpan(next)));
        var type = new Node { Value = GoText.Decode(bytes.AsSpan(0, sep)), Next = command.Next };
        return new Parsed(type, command.IsJson);
    }
}
