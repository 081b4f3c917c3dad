using System.Text.Json;
using System.Text.Json.Serialization;

namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// What the last gc run left (<c>&lt;state&gt;/cache/gc.json</c>), so that the next build can tell
/// without measuring the cache that a run would remove nothing: the cache total then, the disk's
/// free space then (the cache cannot have grown by more than the disk lost since), and per rule
/// whether it had run out of candidates and when its next entry ages into its keep duration.
/// </summary>
public sealed record GcCheckpoint(
    [property: JsonPropertyName("checkedAt")] DateTimeOffset CheckedAt,
    [property: JsonPropertyName("cacheSize")] long CacheSize,
    [property: JsonPropertyName("diskFree")] long DiskFree,
    [property: JsonPropertyName("rules")] IReadOnlyList<GcCheckpointRule> Rules)
{
    public static string PathIn(string stateRoot) => System.IO.Path.Join(stateRoot, "cache", "gc.json");

    public static GcCheckpoint From(GcPlan plan, DiskStat diskAfter, DateTimeOffset now) =>
        new(now, plan.RemainingSize, diskAfter.Free, plan.Rules.Select(r => new GcCheckpointRule(r.Exhausted, r.NextEligible)).ToList());

    /// <summary>
    /// True when a gc run could remove something: no checkpoint, other rules, or a rule whose limit
    /// the cache may now pass with candidates to remove (new entries since, or old ones aged).
    /// </summary>
    /// <param name="wroteEntries">The build made new cache entries (a step ran).</param>
    public static bool NeedsRun(GcCheckpoint? last, IReadOnlyList<GcRule> rules, DiskStat disk, DateTimeOffset now, bool wroteEntries)
    {
        if (rules.Count == 0)
            return false;
        if (last is null || last.Rules.Count != rules.Count)
            return true;
        var estimate = last.CacheSize + Math.Max(0, last.DiskFree - disk.Free);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var keep = rule.KeepBytes(estimate, disk);
            if (keep != 0 && estimate < keep)
                continue;
            var state = last.Rules[i];
            var nothingNew = !wroteEntries || rule.KeepDuration > TimeSpan.Zero;
            if (state.Exhausted && nothingNew && now < state.NextEligible)
                continue;
            return true;
        }
        return false;
    }

    public static GcCheckpoint? Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), GcJsonContext.Default.GcCheckpoint);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(this, GcJsonContext.Default.GcCheckpoint));
        File.Move(tmp, path, overwrite: true);
    }
}
