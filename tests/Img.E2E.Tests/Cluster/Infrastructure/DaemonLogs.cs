using System.Text;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>The end of daemons' logs, for failure messages: enough to see what went wrong, not whole runs.</summary>
public static class DaemonLogs
{
    public const int Lines = 120;

    public static string Tail(DaemonProcess daemon, int lines = Lines)
    {
        var all = daemon.Log.Split('\n');
        var shown = all.Length > lines ? all[^lines..] : all;
        var text = new StringBuilder()
            .AppendLine($"--- {daemon} ({(daemon.IsRunning ? "running" : "stopped")}), log{(all.Length > lines ? $" (last {lines} of {all.Length} lines)" : "")} ---");
        foreach (var line in shown)
            text.AppendLine(line.TrimEnd('\r'));
        return text.ToString();
    }

    public static string Tail(IEnumerable<DaemonProcess> daemons, int lines = Lines) =>
        string.Concat(daemons.Select(d => Tail(d, lines)));
}
