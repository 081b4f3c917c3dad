using System.Globalization;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// What <c>img cluster status</c> printed, parsed: the coordinator that answered, the cache
/// record count, the members and the nodes (the tables are whitespace-separated, and no cell
/// holds a space).
/// </summary>
public sealed record ClusterStatus(string Coordinator, long CacheRecords, IReadOnlyList<MemberStatus> Members, IReadOnlyList<NodeStatus> Nodes, string Text)
{
    /// <summary>The sum of every node's executed-vertex counter.</summary>
    public long Executed => Nodes.Sum(n => n.Executed);

    /// <summary>
    /// Whether the counters are final for work done so far: they come with heartbeats, a few
    /// seconds late, and a heartbeat that says nothing runs or waits on any node was sent after
    /// every execution it counts.
    /// </summary>
    public bool Settled(long executed) => Executed >= executed && Nodes.All(n => n.Running == 0 && n.Queued == 0);

    public NodeStatus? Node(string name) => Nodes.FirstOrDefault(n => n.Node == name);

    public static ClusterStatus Parse(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string Field(string label) =>
            lines.FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))?[label.Length..].Trim()
            ?? throw new FormatException($"no \"{label}\" line in img cluster status:\n{text}");
        var records = Field("Cache records:");
        var members = new List<MemberStatus>();
        var nodes = new List<NodeStatus>();
        List<string[]>? table = null;
        var rows = new Dictionary<string, List<string[]>>(StringComparer.Ordinal) { ["MEMBER"] = [], ["NODE"] = [] };
        foreach (var line in lines)
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0)
                table = null;
            else if (rows.TryGetValue(cells[0], out var header) && cells.Length > 3)
                table = header;
            else
                table?.Add(cells);
        }
        foreach (var r in rows["MEMBER"].Where(r => r.Length >= 4))
            members.Add(new MemberStatus(r[0], r[1], r[2], r[3] == "yes"));
        foreach (var r in rows["NODE"].Where(r => r.Length >= 8))
            nodes.Add(new NodeStatus(r[0], Int(r[1]), Int(r[2]), Int(r[3]), long.Parse(r[4], CultureInfo.InvariantCulture), r[7]));
        return new ClusterStatus(Field("Coordinator:"), records == "unknown" ? -1 : long.Parse(records, CultureInfo.InvariantCulture), members, nodes, text);
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
