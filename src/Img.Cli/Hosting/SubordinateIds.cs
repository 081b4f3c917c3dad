namespace Img.Cli.Hosting;

/// <summary>One range of subordinate ids: <c>count</c> ids starting at <c>start</c>.</summary>
public sealed record SubordinateRange(long Start, long Count);

/// <summary>
/// Reads <c>/etc/subuid</c> and <c>/etc/subgid</c> (subuid(5): <c>NAME-OR-ID:START:COUNT</c> per
/// line). An entry belongs to a user when its first field is the user's name or numeric id.
/// </summary>
public static class SubordinateIds
{
    public const string SubuidPath = "/etc/subuid";
    public const string SubgidPath = "/etc/subgid";

    /// <summary>The user's ranges in file order (util-linux <c>--map-auto</c> uses the first).</summary>
    public static IReadOnlyList<SubordinateRange> Find(string? fileText, string? userName, uint id)
    {
        var ranges = new List<SubordinateRange>();
        if (string.IsNullOrEmpty(fileText)) return ranges;
        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var raw in fileText.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(':');
            if (f.Length != 3) continue;
            if (f[0] != idText && (string.IsNullOrEmpty(userName) || f[0] != userName)) continue;
            if (!long.TryParse(f[1], out var start) || !long.TryParse(f[2], out var count) || start < 0 || count <= 0) continue;
            ranges.Add(new SubordinateRange(start, count));
        }
        return ranges;
    }

    /// <summary>The text of a file, or null when it is missing or unreadable.</summary>
    public static string? ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
