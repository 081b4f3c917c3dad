using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Turns Dockerfile text into the syntax tree BuildKit's parser builds: one node per
/// instruction with its flags, arguments, heredocs, comments and line span. It does not
/// validate instructions (unknown keywords parse) and does not expand variables.
/// </summary>
public static class DockerfileParser
{
    private const string MaxLineMessage = "dockerfile line greater than max allowed size of 65535";

    /// <exception cref="DockerfileParseException">The text is not a valid Dockerfile.</exception>
    public static ParseResult Parse(string text) => Parse(GoText.Encode(text));

    /// <exception cref="DockerfileParseException">The content is not a valid Dockerfile.</exception>
    public static ParseResult Parse(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray());
    }

    /// <exception cref="DockerfileParseException">The bytes are not a valid Dockerfile.</exception>
    public static ParseResult Parse(byte[] data)
    {
        var context = new ParserContext();
        var reader = new LineReader(data);
        var root = new Node { StartLine = -1 };
        var warnings = new List<ParseWarning>();
        var comments = new List<string>();
        var currentLine = 0;

        while (reader.TryRead(out var bytes))
        {
            if (currentLine == 0 && bytes.StartsWith("\uFEFF"u8))
                bytes = bytes[3..];
            var raw = GoText.Decode(bytes);
            if (IsComment(raw))
            {
                // Cut at the raw first byte, not after the indentation, as BuildKit does.
                var comment = GoText.TrimSpace(GoText.Decode(bytes[1..]));
                if (comment.Length == 0)
                    comments.Clear();
                else
                    comments.Add(comment);
            }
            var (processed, isDirective) = ProcessLine(context, raw, stripLeadingWhitespace: true, currentLine);
            if (isDirective)
                comments.RemoveAt(comments.Count - 1);
            currentLine++;

            var startLine = currentLine;
            var (text, isEndOfLine) = context.TrimContinuation(processed);
            if (isEndOfLine && text.Length == 0)
                continue;

            var line = new StringBuilder(text);
            var hasEmptyContinuationLine = false;
            while (!isEndOfLine && reader.TryRead(out var nextBytes))
            {
                var nextRaw = GoText.Decode(nextBytes);
                var (next, _) = ProcessLine(context, nextRaw, stripLeadingWhitespace: false, currentLine);
                currentLine++;
                if (IsComment(nextRaw))
                    continue;
                if (GoText.TrimLeftSpace(TrimNewline(next)).Length == 0)
                {
                    hasEmptyContinuationLine = true;
                    continue;
                }
                (next, isEndOfLine) = context.TrimContinuation(next);
                line.Append(next);
            }

            var logical = line.ToString();
            if (hasEmptyContinuationLine)
                warnings.Add(new ParseWarning("Empty continuation line found in: " + logical, currentLine));

            var child = Located(() => InstructionNodes.FromLine(logical, context, comments), startLine, currentLine);
            if (InstructionNodes.CanContainHeredoc(child) && logical.Contains("<<", StringComparison.Ordinal))
            {
                var heredocs = Located(() => HeredocSyntax.FromLine(logical), startLine, currentLine);
                foreach (var heredoc in heredocs)
                {
                    var content = new StringBuilder(heredoc.Content);
                    var terminated = false;
                    while (reader.TryRead(out var bodyBytes))
                    {
                        currentLine++;
                        var body = GoText.Decode(bodyBytes);
                        var candidate = TrimNewline(body);
                        if (heredoc.Chomp)
                            candidate = candidate.TrimStart('\t');
                        if (candidate == heredoc.Name)
                        {
                            terminated = true;
                            break;
                        }
                        content.Append(body);
                    }
                    if (!terminated)
                        throw new DockerfileParseException("unterminated heredoc", startLine, currentLine);
                    child.Heredocs.Add(heredoc with { Content = content.ToString() });
                }
            }

            AddChild(root, child, startLine, currentLine);
            comments = new List<string>();
        }

        if (root.StartLine < 0)
            throw new DockerfileParseException("file with no instructions", currentLine, 0);
        if (reader.TooLong)
            throw new DockerfileParseException(MaxLineMessage, currentLine, 0);

        return new ParseResult(root, context.EscapeToken, warnings, context.Directives.Directives.ToList());
    }

    private static void AddChild(Node root, Node child, int startLine, int endLine)
    {
        InstructionNodes.SetLines(child, startLine, endLine);
        if (root.StartLine < 0)
            root.StartLine = startLine;
        root.EndLine = endLine;
        root.Children.Add(child);
    }

    /// <summary>
    /// Strips the line ending (and, for the first line of an instruction, the indentation),
    /// feeds the directive block, and blanks comment lines.
    /// </summary>
    private static (string Line, bool IsDirective) ProcessLine(
        ParserContext context, string raw, bool stripLeadingWhitespace, int lineIndex)
    {
        var line = TrimNewline(raw);
        if (stripLeadingWhitespace)
            line = GoText.TrimLeftSpace(line);
        // BuildKit reports directive errors at the 0-based index of the line.
        var isDirective = Located(() => context.TryApplyDirective(line), lineIndex, 0);
        return (IsComment(line) ? "" : line, isDirective);
    }

    private static T Located<T>(Func<T> parse, int startLine, int endLine)
    {
        try
        {
            return parse();
        }
        catch (ParseFailure e)
        {
            throw new DockerfileParseException(e.Message, startLine, endLine);
        }
    }

    private static bool IsComment(string line)
    {
        var trimmed = GoText.TrimLeftSpace(line);
        return trimmed.Length > 0 && trimmed[0] == '#';
    }

    private static string TrimNewline(string line) => line.TrimEnd('\r', '\n');
}
