using System.Text;

namespace Img.Cli.Commands.Build;

/// <summary>
/// BuildKit's report of a failed step, printed after the progress: the step and its last output
/// lines (stamped as in the progress) between <c>------</c> rules, then the Dockerfile
/// excerpt (<see cref="SourceExcerpt"/>).
/// </summary>
public static class FailureReport
{
    public static string Format(string description, IReadOnlyList<string> lastLogs, string dockerfileName, string dockerfileText, int line)
    {
        var sb = new StringBuilder();
        sb.Append("------\n");
        sb.Append(" > ").Append(description).Append(":\n");
        foreach (var l in lastLogs)
            sb.Append(l).Append('\n');
        sb.Append("------\n");
        if (line > 0)
            sb.Append(SourceExcerpt.Format(dockerfileName, dockerfileText, line));
        return sb.ToString();
    }
}
