using Xunit;
using Img.Engine.BuildCache;
using Img.Engine.Snapshots;
using Img.Engine.Solver;

namespace Img.Engine.Tests.BuildCache;

public sealed class BuildCachePlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static BuildCacheEntry Snapshot(string name, string? parent, long size, int hoursAgo, bool inUse = false, bool @internal = false, bool withRecord = true)
    {
        var at = Now.AddHours(-hoursAgo);
        var info = new SnapshotInfo(name, parent, inUse ? SnapshotKind.Active : SnapshotKind.Committed, at, at, new Dictionary<string, string>());
        IReadOnlyList<CachedResult> records = withRecord ? [new CachedResult(new CacheKey("sha256:" + name), new CacheResult(name), at)] : [];
        return new BuildCacheEntry(name, @internal ? BuildCacheEntryType.SourceImage : BuildCacheEntryType.Regular, null, info, records, size, at, at, name, inUse, @internal);
    }

    private static BuildCacheEntry Dangling(string key) =>
        new(key, BuildCacheEntryType.Dangling, null, null, [new CachedResult(new CacheKey(key), new CacheResult("gone"), Now)], 0, Now, Now, "dangling", false, false);

    private static string[] Ids(BuildCachePrunePlan plan) => plan.Entries.Select(e => e.Id).ToArray();

    private static BuildCachePruneOptions Options(bool all = false, TimeSpan? until = null, long? keep = null) => new(all, until, keep, Now);

    [Fact]
    public void PlainPruneRemovesStepsChildrenFirstAndKeepsBaseLayersAndWhatIsInUse()
    {
        var entries = new[]
        {
            Snapshot("base", null, 1000, 10, @internal: true),
            Snapshot("run", "base", 100, 9),
            Snapshot("copy", "run", 10, 8),
            Snapshot("active", "copy", 5, 0, inUse: true),
            Snapshot("other", "base", 50, 7),
            Dangling("sha256:dangling"),
        };
        // "copy" and "run" are under the active snapshot: in use (the inventory marks ancestors), kept
        entries[1] = entries[1] with { InUse = true };
        entries[2] = entries[2] with { InUse = true };

        var plan = BuildCachePlanner.Plan(entries, Options());

        Assert.Equal(["other", "sha256:dangling"], Ids(plan));
        Assert.Equal([new CacheKey("sha256:other"), new CacheKey("sha256:dangling")], plan.Keys);
    }

    [Fact]
    public void AllRemovesBaseLayersToo_AfterTheirChildren()
    {
        var entries = new[] { Snapshot("base", null, 1000, 10, @internal: true), Snapshot("run", "base", 100, 9), Snapshot("copy", "run", 10, 8) };
        Assert.Equal(["copy", "run", "base"], Ids(BuildCachePlanner.Plan(entries, Options(all: true))));
        Assert.Equal(["copy", "run"], Ids(BuildCachePlanner.Plan(entries, Options(all: false))));
    }

    [Fact]
    public void UntilKeepsWhatWasUsedRecently_AndItsAncestors()
    {
        var entries = new[] { Snapshot("old", null, 100, 48), Snapshot("older-child", "old", 10, 30), Snapshot("recent", "old", 10, 1) };
        // "old" is 48 h old but "recent" stands on it
        Assert.Equal(["older-child"], Ids(BuildCachePlanner.Plan(entries, Options(until: TimeSpan.FromHours(24)))));
        Assert.Empty(Ids(BuildCachePlanner.Plan(entries, Options(until: TimeSpan.FromHours(72)))));
    }

    [Fact]
    public void KeepStorageKeepsTheMostRecentlyUsedThatFit()
    {
        var entries = new[]
        {
            Snapshot("base", null, 1000, 10, @internal: true),
            Snapshot("a", "base", 300, 5),
            Snapshot("b", "base", 200, 3),
            Snapshot("c", "b", 100, 1),
        };
        // base (1000, kept anyway) + c (100) + its parent b (200) = 1300 fit; a would make 1600
        Assert.Equal(["a"], Ids(BuildCachePlanner.Plan(entries, Options(keep: 1300))));
        // c needs b: 1000 + 300 > 1200, so c goes; b alone fits, then a does not
        Assert.Equal(["c", "a"], Ids(BuildCachePlanner.Plan(entries, Options(keep: 1200))));
        Assert.Equal(["c", "a", "b"], Ids(BuildCachePlanner.Plan(entries, Options(keep: 0))));
        Assert.Empty(Ids(BuildCachePlanner.Plan(entries, Options(keep: 10_000))));
    }
}
