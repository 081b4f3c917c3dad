using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>What a state directory holds, read from disk (not through img): snapshots, their bytes, live cache records; and <c>img du</c> rows.</summary>
public static partial class StateUsage
{
    /// <summary>Snapshot directories of every snapshotter.</summary>
    public static int SnapshotCount(string state) =>
        SnapshotDirectories(state).Count();

    /// <summary>Bytes of every file under the snapshot directories.</summary>
    public static long SnapshotBytes(string state) =>
        SnapshotDirectories(state)
            .SelectMany(d => new DirectoryInfo(d).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            .Where(f => !f.Attributes.HasFlag(FileAttributes.ReparsePoint))
            .Sum(f => f.Length);

    private static IEnumerable<string> SnapshotDirectories(string state)
    {
        var root = Path.Combine(state, "snapshots");
        return Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(b => Path.Combine(b, "snapshots")).Where(Directory.Exists).SelectMany(Directory.GetDirectories)
            : [];
    }

    /// <summary>Journal rows of vertex entities that are not deleted (Akka.Persistence.Sql marks deletes).</summary>
    public static long LiveCacheRecords(string state)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(state, "cache", "cache.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE deleted = 0 AND persistence_id LIKE 'vertex-%'";
        return (long)command.ExecuteScalar()!;
    }

    public sealed record DuRow(string Id, bool Reclaimable, long Size, string Description);

    /// <summary>The rows of <c>img du</c>'s table (not the totals).</summary>
    public static IReadOnlyList<DuRow> ParseDu(string output) =>
        output.Split('\n').Skip(1)
            .Select(l => DuLine().Match(l))
            .Where(m => m.Success)
            .Select(m => new DuRow(m.Groups[1].Value, m.Groups[2].Value == "true", ParseSize(m.Groups[3].Value), m.Groups[4].Value))
            .ToList();

    /// <summary><c>1.5MiB</c>, <c>300KiB</c>, <c>12B</c> back to bytes (about: four significant digits).</summary>
    public static long ParseSize(string size)
    {
        var m = SizeText().Match(size);
        if (!m.Success) throw new FormatException("not a size: " + size);
        var multiplier = m.Groups[2].Value switch
        {
            "KiB" => 1L << 10, "MiB" => 1L << 20, "GiB" => 1L << 30, _ => 1L,
        };
        return (long)(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * multiplier);
    }

    [GeneratedRegex(@"^(\S+)\s+(true|false)\s+(\S+)\s+(.*)$")]
    private static partial Regex DuLine();

    [GeneratedRegex(@"^([0-9.]+)(B|KiB|MiB|GiB)$")]
    private static partial Regex SizeText();
}
