using System.Globalization;
using System.Text;
using Img.Engine.Frontend.Dockerfile.Parsing;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The Dockerfile lines around a failed instruction, as BuildKit prints a source location:
/// <code>
/// Dockerfile:2
/// --------------------
///    1 |     FROM busybox
///    2 | >>> RUN false
///    3 |
/// --------------------
/// </code>
/// Every line of the instruction is marked; a one-line instruction gets up to two lines of
/// context on each side, a longer one one. The file's lines are counted as split on newlines,
/// so the empty line after a final newline can show.
/// </summary>
public static class SourceExcerpt
{
    /// <param name="line">The first line of the failed instruction (1-based).</param>
    public static string Format(string dockerfileName, string dockerfileText, int line)
    {
        var lines = dockerfileText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (line < 1 || line > lines.Length)
            return "";
        var (first, last) = (line, Math.Min(EndLine(dockerfileText, line), lines.Length));

        // Widen alternately before and after, while there is room, until the padding is spent.
        var pad = first == last ? 4 : 2;
        var (start, end) = (first, last);
        for (var spent = 0; spent < pad; spent++)
        {
            if (start > 1)
            {
                start--;
                spent++;
            }
            if (end != lines.Length)
            {
                end++;
                spent++;
            }
        }

        var sb = new StringBuilder();
        sb.Append(dockerfileName).Append(':').Append(first.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("--------------------\n");
        for (var i = start; i <= end; i++)
        {
            var marker = i >= first && i <= last ? ">>>" : "   ";
            sb.Append(' ').Append(i.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(" | ").Append(marker).Append(' ').Append(lines[i - 1]).Append('\n');
        }
        sb.Append("--------------------\n");
        return sb.ToString();
    }

    /// <summary>The last line of the instruction that starts on <paramref name="line"/> (continuations, heredocs).</summary>
    private static int EndLine(string text, int line)
    {
        try
        {
            var node = DockerfileParser.Parse(text).Root.Children.FirstOrDefault(n => n.StartLine == line);
            return node is null ? line : Math.Max(line, node.EndLine);
        }
        catch (DockerfileParseException)
        {
            return line;
        }
    }
}
