using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Splits a logical line into keyword, leading <c>--flags</c> and the argument text that the
/// keyword's argument parser receives.
/// </summary>
internal static class CommandSplitter
{
    public static (string Keyword, List<string> Flags, string Arguments) Split(string line, char escapeToken)
    {
        var parts = Whitespace.Split(GoText.TrimSpace(line), 2);
        var flags = new List<string>();
        var arguments = "";
        if (parts.Count == 2)
            (arguments, flags) = ExtractBuilderFlags(parts[1], escapeToken);
        return (parts[0], flags, GoText.TrimSpace(arguments));
    }

    /// <summary>
    /// Takes the words starting with <c>--</c> off the front of the arguments; a bare <c>--</c>
    /// ends the flags and is dropped. Quotes group and are removed, the escape token escapes.
    /// BuildKit scans bytes here, not characters: each byte is its own "character" (so UTF-8
    /// bytes 0x85 and 0xA0 count as spaces and non-ASCII flag text is re-encoded as Latin-1).
    /// We reproduce that so flags read the same as under BuildKit.
    /// </summary>
    public static (string Remaining, List<string> Flags) ExtractBuilderFlags(string text, char escapeToken)
    {
        var line = GoText.Encode(text);
        var words = new List<string>();
        var word = new StringBuilder();
        var phase = Phase.InSpaces;
        var quote = '\0';
        var blankOk = false;
        var ch = '\0';

        for (var pos = 0; pos <= line.Length; pos++)
        {
            if (pos != line.Length)
                ch = (char)line[pos];

            if (phase == Phase.InSpaces)
            {
                if (pos == line.Length)
                    break;
                if (GoText.IsSpace(ch))
                    continue;
                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                    return (GoText.Decode(line.AsSpan(pos)), words);
                phase = Phase.InWord;
            }
            if (pos == line.Length)
            {
                var last = word.ToString();
                if (last != "--" && (blankOk || last.Length > 0))
                    words.Add(last);
                break;
            }
            if (phase == Phase.InWord)
            {
                if (GoText.IsSpace(ch))
                {
                    var done = word.ToString();
                    phase = Phase.InSpaces;
                    if (done == "--")
                        return (GoText.Decode(line.AsSpan(pos)), words);
                    if (blankOk || done.Length > 0)
                        words.Add(done);
                    word.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = Phase.InQuote;
                    continue;
                }
                if (ch == escapeToken)
                {
                    if (pos + 1 == line.Length)
                        continue;
                    pos++;
                    ch = (char)line[pos];
                }
                word.Append(ch);
                continue;
            }
            // Phase.InQuote
            if (ch == quote)
            {
                phase = Phase.InWord;
                continue;
            }
            if (ch == escapeToken)
            {
                if (pos + 1 == line.Length)
                {
                    phase = Phase.InWord;
                    continue;
                }
                pos++;
                ch = (char)line[pos];
            }
            word.Append(ch);
        }
        return ("", words);
    }

    private enum Phase { InSpaces, InWord, InQuote }
}
