using System.Text;

namespace Img.Cli.Commands.Build;

/// <summary>
/// BuildKit's failure report: the failed step, its last output lines, and the Dockerfile lines
/// around it with the failing one marked <c>&gt;&gt;&gt;</c>.
/// </summary>
public static class FailureReport
{
    private const int ContextLines = 2;

    public static string Format(string description, IReadOnlyList<string> lastLogs, string dockerfileName, string dockerfileText, int line)
    {
        var sb = new StringBuilder();
        sb.Append("------\n");
        sb.Append(" > ").Append(description).Append(":\n");
        foreach (var l in lastLogs.TakeLast(10))
            sb.Append(l).Append('\n');
        sb.Append("------\n");
        if (line <= 0) return sb.ToString();

        var lines = dockerfileText.Replace("\r\n", "\n").Split('\n');
        if (line > lines.Length) return sb.ToString();
        sb.Append(dockerfileName).Append(':').Append(line).Append('\n');
        sb.Append("--------------------\n");
        var first = Math.Max(1, line - ContextLines);
        var last = Math.Min(lines.Length, line + ContextLines);
        var width = last.ToString().Length + 1;
        for (var i = first; i <= last; i++)
        {
            if (i == lines.Length && lines[i - 1].Length == 0) break;
            sb.Append(i.ToString().PadLeft(width)).Append(" | ").Append(i == line ? ">>> " : "    ").Append(lines[i - 1]).Append('\n');
        }
        sb.Append("--------------------\n");
        return sb.ToString();
    }
}
