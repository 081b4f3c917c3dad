using Img.Engine.BuildCache;
using Img.Engine.BuildCache.Gc;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.Worker;
using Xunit;

namespace Img.Engine.Tests.BuildCache.Gc;

public sealed class GcPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly DiskStat Disk = new(100_000_000_000, 50_000_000_000);

    private static BuildCacheEntry Snapshot(string name, string? parent, long size, double hoursAgo, bool inUse = false, bool @internal = false,
        int uses = 0, BuildCacheEntryType type = BuildCacheEntryType.Regular, string? merge = null)
    {
        var at = Now.AddHours(-hoursAgo);
        var labels = new Dictionary<string, string>();
        if (merge is not null) labels[SnapshotLabels.Merge] = merge;
        var info = new SnapshotInfo(name, parent, inUse ? SnapshotKind.Active : SnapshotKind.Committed, at, at, labels);
        IReadOnlyList<CachedResult> records = [new CachedResult(new CacheKey("sha256:" + name), new CacheResult(name), at)];
        return new BuildCacheEntry(name, @internal ? BuildCacheEntryType.SourceImage : type, null, info, records, size, at, at, name, inUse, @internal, UsageCount: uses);
    }

    private static GcRule Rule(long reserved = 0, long maxUsed = 0, long minFree = 0, TimeSpan keep = default, bool all = false, params string[] filters) =>
        new(all, CacheFilter.ParseAll(filters), keep, reserved, maxUsed, minFree);

    private static string[] Ids(GcPlan plan) => plan.Removal.Entries.Select(e => e.Id).ToArray();

    [Fact]
    public void Under_the_limit_nothing_goes_over_it_the_least_recently_used_leaves_go_first_until_it_fits()
    {
        var entries = new[]
        {
            Snapshot("base", null, 1000, 100, @internal: true),
            Snapshot("old", "base", 300, 50),
            Snapshot("old-child", "old", 200, 40),
            Snapshot("new", "base", 300, 1),
        };
        Assert.Empty(Ids(GcPlanner.Plan(entries, [Rule(reserved: 900)], Disk, Now)));

        // 800 of steps (the base layer is not counted: an image in the store holds it), keep 500:
        // old-child is the oldest leaf, then old (now a leaf); new stays
        var plan = GcPlanner.Plan(entries, [Rule(reserved: 500)], Disk, Now);
        Assert.Equal(["old-child", "old"], Ids(plan));
        Assert.Equal(300, plan.RemainingSize);
    }

    [Fact]
    public void A_cache_hit_makes_an_entry_recently_used()
    {
        var entries = new[] { Snapshot("written-first", null, 100, 30), Snapshot("written-later", null, 100, 20) };
        Assert.Equal(["written-first"], Ids(GcPlanner.Plan(entries, [Rule(maxUsed: 150)], Disk, Now)));
        var hit = entries[0] with { LastUsed = Now.AddMinutes(-1), UsageCount = 1 };
        Assert.Equal(["written-later"], Ids(GcPlanner.Plan([hit, entries[1]], [Rule(maxUsed: 150)], Disk, Now)));
    }

    [Fact]
    public void Keep_duration_filters_all_and_in_use_are_respected()
    {
        var entries = new[]
        {
            Snapshot("base", null, 1000, 2000, @internal: true),
            Snapshot("stale", "base", 10, 72),
            Snapshot("fresh", "base", 10, 1),
            Snapshot("mount", null, 10, 72, type: BuildCacheEntryType.ExecCacheMount) with { Snapshot = null },
            Snapshot("running", "base", 10, 200, inUse: true),
        };
        // no space limit: everything old enough goes
        Assert.Equal(["stale", "mount"], Ids(GcPlanner.Plan(entries, [Rule(keep: TimeSpan.FromHours(48))], Disk, Now)));
        // a filter narrows it
        Assert.Equal(["mount"], Ids(GcPlanner.Plan(entries, [Rule(keep: TimeSpan.FromHours(48), filters: "type==exec.cachemount")], Disk, Now)));
        // base layers of local images only with all, and after the steps on them
        Assert.Equal(["stale", "fresh", "mount"], Ids(GcPlanner.Plan(entries, [Rule()], Disk, Now)));
        Assert.DoesNotContain("base", Ids(GcPlanner.Plan(entries, [Rule(all: true)], Disk, Now))); // the running step's parent
        Assert.DoesNotContain("running", Ids(GcPlanner.Plan(entries, [Rule(all: true)], Disk, Now)));
    }

    [Fact]
    public void A_merge_goes_before_the_layers_it_stacks()
    {
        var entries = new[]
        {
            Snapshot("linked", null, 100, 50),
            Snapshot("base", null, 100, 40),
            Snapshot("merged", "base", 0, 30, merge: "base,linked"),
        };
        Assert.Equal(["merged", "linked", "base"], Ids(GcPlanner.Plan(entries, [Rule(reserved: 1)], Disk, Now)));
    }

    [Fact]
    public void Keep_bytes_follow_buildkit()
    {
        // max used, lowered while the disk has less free than asked, never under reserved
        Assert.Equal(0, Rule().KeepBytes(500, Disk));
        Assert.Equal(300, Rule(maxUsed: 300).KeepBytes(500, Disk));
        Assert.Equal(500, Rule(minFree: 10).KeepBytes(500, Disk)); // free space target met: keep all
        Assert.Equal(400, Rule(minFree: 100).KeepBytes(500, new DiskStat(1000, 0)));
        Assert.Equal(200, Rule(maxUsed: 200, minFree: 100).KeepBytes(500, new DiskStat(1000, 0)));
        Assert.Equal(450, Rule(reserved: 450, minFree: 400).KeepBytes(500, new DiskStat(1000, 0)));
    }

    [Fact]
    public void Defaults_are_buildkitds()
    {
        var small = new DiskStat(50L << 30, 40L << 30); // 50 GiB, 40 GiB free
        var policies = GcConfig.Default.EffectivePolicies(small);
        Assert.Equal(4, policies.Count);
        Assert.Equal(["type==source.local", "type==exec.cachemount", "type==source.git.checkout"], policies[0].Filters);
        Assert.Equal(TimeSpan.FromHours(48), policies[0].KeepDuration);
        Assert.Equal(512_000_000, policies[0].MaxUsedSpace.Bytes);
        Assert.Equal(TimeSpan.FromDays(60), policies[1].KeepDuration);
        Assert.True(policies[3].All);
        var rule = policies[2].Resolve(small);
        Assert.Equal(6_000_000_000, rule.ReservedSpace); // 10% of 50 GiB = 5 GiB, rounded up to whole GB
        Assert.Equal(11_000_000_000, rule.MinFreeSpace); // 20%
        Assert.Equal(41_000_000_000, rule.MaxUsedSpace); // 80%
        var big = new DiskStat(2000L << 30, 1000L << 30);
        Assert.Equal(10_000_000_000, GcConfig.Default.EffectivePolicies(big)[2].Resolve(big).ReservedSpace);
        Assert.Equal(100_000_000_000, GcConfig.Default.EffectivePolicies(big)[2].Resolve(big).MaxUsedSpace);
        // gckeepstorage alone = reserved space, nothing else
        var legacy = GcConfig.Default with { KeepStorage = DiskSpace.FromBytes(5000) };
        var legacyRule = legacy.EffectivePolicies(small)[2].Resolve(small);
        Assert.Equal((5000L, 0L, 0L), (legacyRule.ReservedSpace, legacyRule.MaxUsedSpace, legacyRule.MinFreeSpace));
        Assert.Empty((GcConfig.Default with { Enabled = false }).Rules(small));
    }

    [Fact]
    public void The_checkpoint_skips_a_run_that_cannot_remove_anything()
    {
        var rules = new[] { Rule(reserved: 1000) };
        Assert.True(GcCheckpoint.NeedsRun(null, rules, Disk, Now, true)); // never checked
        var under = new GcCheckpoint(Now, 500, Disk.Free, [new GcCheckpointRule(false, Now)]);
        Assert.False(GcCheckpoint.NeedsRun(under, rules, Disk, Now, true));
        // the disk lost 600 bytes since: the cache may have passed the limit
        Assert.True(GcCheckpoint.NeedsRun(under, rules, Disk with { Free = Disk.Free - 600 }, Now, true));
        // over the limit with nothing removable left (all in use or base layers): only new entries or age change that
        var stuck = new GcCheckpoint(Now, 5000, Disk.Free, [new GcCheckpointRule(true, Now.AddDays(1))]);
        Assert.False(GcCheckpoint.NeedsRun(stuck, rules, Disk, Now, false));
        Assert.True(GcCheckpoint.NeedsRun(stuck, rules, Disk, Now, true));
        Assert.True(GcCheckpoint.NeedsRun(stuck, rules, Disk, Now.AddDays(2), false));
        // another rule set: run
        Assert.True(GcCheckpoint.NeedsRun(under, [Rule(reserved: 1000), Rule(reserved: 1)], Disk, Now, true));
        Assert.False(GcCheckpoint.NeedsRun(null, [], Disk, Now, true)); // gc off
    }

    [Fact]
    public void Filters_parse_as_containerd_and_bad_ones_are_named()
    {
        var mount = Snapshot("m", null, 1, 1, type: BuildCacheEntryType.ExecCacheMount);
        var step = Snapshot("s", null, 1, 1);
        Assert.True(CacheFilter.ParseAll(["type==exec.cachemount"]).Matches(mount));
        Assert.False(CacheFilter.ParseAll(["type==exec.cachemount"]).Matches(step));
        Assert.True(CacheFilter.ParseAll(["type!=exec.cachemount"]).Matches(step));
        Assert.True(CacheFilter.ParseAll(["type==source.local", "type==regular"]).Matches(step)); // any of them
        Assert.False(CacheFilter.ParseAll(["type==regular,id==other"]).Matches(step)); // all of one
        Assert.True(CacheFilter.ParseAll(["description~=^s$", "private"]).Matches(step));
        Assert.True(CacheFilter.ParseAll([]).Matches(step));
        var e = Assert.Throws<FormatException>(() => CacheFilter.ParseAll(["colour==red"]));
        Assert.Contains("unknown field \"colour\"", e.Message);
    }
}
