using System.Formats.Tar;
using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// <c>img du</c> and <c>img prune</c> on the build cache: rows with sizes, what prune removes (and
/// what stays: base layers, images already built), rebuilds after a prune, filters and the lock.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class PruneTests(ImgFixture fixture)
{
    private const string Dockerfile = """
        FROM busybox
        RUN dd if=/dev/zero of=/big bs=1024 count=400 2>/dev/null
        COPY a.txt /a.txt
        RUN cat /a.txt > /derived.txt
        """;

    private const string BigRun = "[2/4] RUN dd if=/dev/zero of=/big bs=1024 count=400 2>/dev/null";
    private const string Derived = "[4/4] RUN cat /a.txt > /derived.txt";

    [Fact]
    public async Task Prune_RemovesTheBuildCache_KeepsImages_AndTheNextBuildRunsAgain()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var other = ContextDir.Create(fixture, "FROM busybox\nRUN echo kept > /kept.txt\n");
        (await img.BuildAsync(other, "-t", "e2e/built-before")).AssertSuccess();
        (await img.BuildAsync(ctx, "-t", "e2e/prune")).AssertSuccess();

        var du = (await img.RunAsync(["du"])).AssertSuccess().Out;
        var rows = StateUsage.ParseDu(du);
        var big = Assert.Single(rows, r => r.Description == BigRun);
        Assert.True(big.Reclaimable);
        Assert.InRange(big.Size, 400 * 1024, 600 * 1024); // its own upper dir only, not busybox below it
        Assert.True(rows.Single(r => r.Description == Derived).Reclaimable);
        var baseLayer = Assert.Single(rows, r => r.Description.StartsWith("base layer sha256:", StringComparison.Ordinal));
        Assert.False(baseLayer.Reclaimable); // busybox:latest is in the store
        Assert.Matches(@"\nReclaimable:\s+\S+\nTotal:\s+\S+\n$", du);
        Assert.Single(StateUsage.ParseDu((await img.RunAsync(["du", "--filter", "id=" + big.Id[..12]])).AssertSuccess().Out));

        var snapshotsBefore = StateUsage.SnapshotCount(img.State);
        var bytesBefore = StateUsage.SnapshotBytes(img.State);
        var recordsBefore = StateUsage.LiveCacheRecords(img.State);
        Assert.True(snapshotsBefore >= 5, $"{snapshotsBefore} snapshots");

        var prune = (await img.RunAsync(["prune"])).AssertSuccess().Out;
        Assert.StartsWith("Deleted build cache objects:\n", prune);
        Assert.Contains("\n" + big.Id + "\n", prune);
        var reclaimed = Regex.Match(prune, @"\nTotal reclaimed space: (\S+)\n$");
        Assert.True(reclaimed.Success, prune);
        Assert.True(StateUsage.ParseSize(reclaimed.Groups[1].Value) >= 400 * 1024, prune);

        Assert.Equal(1, StateUsage.SnapshotCount(img.State)); // the unpacked busybox layer
        Assert.True(StateUsage.SnapshotBytes(img.State) <= bytesBefore - 400 * 1024);
        // only the busybox source's record stays: it points at the kept base layer
        Assert.Equal(1, StateUsage.LiveCacheRecords(img.State));
        Assert.True(recordsBefore > 4, $"{recordsBefore} records before");
        var after = StateUsage.ParseDu((await img.RunAsync(["du"])).AssertSuccess().Out);
        Assert.DoesNotContain(after, r => r.Reclaimable);
        Assert.DoesNotContain(after, r => r.Description == BigRun);

        // images built before the prune are blobs, not snapshots: they still save and unpack
        var archive = Path.Combine(fixture.NewDirectory("save"), "kept.tar");
        (await img.RunAsync(["save", "-o", archive, "e2e/built-before"])).AssertSuccess();
        Assert.Contains("manifest.json", TarNames(archive));
        Assert.Equal("kept\n", (await img.UnpackAsync("e2e/built-before")).Text("/kept.txt"));

        // the next build runs the pruned steps again (no hit on a removed snapshot) and records them
        var rebuild = (await img.BuildAsync(ctx, "-t", "e2e/prune")).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(rebuild.Error);
        Assert.Equal("DONE", steps[BigRun]);
        Assert.Equal("DONE", steps[Derived]);
        Assert.Equal("A\n", (await img.UnpackAsync("e2e/prune")).Text("/derived.txt"));
        var cached = (await img.BuildAsync(ctx, "-t", "e2e/prune")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(cached.Error).Values, v => Assert.Equal("CACHED", v));

        // -a also removes the unpacked base layer; building from busybox unpacks it again
        var all = (await img.RunAsync(["prune", "-a"])).AssertSuccess().Out;
        Assert.Contains("\n" + baseLayer.Id + "\n", all);
        Assert.Equal(0, StateUsage.SnapshotCount(img.State));
        Assert.Equal(0, StateUsage.LiveCacheRecords(img.State));
        var fromScratch = (await img.BuildAsync(ctx, "-t", "e2e/prune")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(fromScratch.Error).Values, v => Assert.NotEqual("CACHED", v));
        Assert.Equal("A\n", (await img.UnpackAsync("e2e/prune")).Text("/derived.txt"));
    }

    [Fact]
    public async Task KeepStorage_KeepsTheMostRecentlyUsed_AndUntil_OnlyOlderEntries()
    {
        var img = await fixture.NewStateAsync();
        var older = ContextDir.Create(fixture, "FROM busybox\nRUN dd if=/dev/zero of=/older bs=1024 count=2048 2>/dev/null\n");
        var newer = ContextDir.Create(fixture, "FROM busybox\nRUN dd if=/dev/zero of=/newer bs=1024 count=64 2>/dev/null\n");
        (await img.BuildAsync(older)).AssertSuccess();
        await Task.Delay(1100);
        (await img.BuildAsync(newer)).AssertSuccess();
        var rows = StateUsage.ParseDu((await img.RunAsync(["du"])).AssertSuccess().Out);
        var olderRow = Assert.Single(rows, r => r.Description.Contains("of=/older", StringComparison.Ordinal));
        var newerRow = Assert.Single(rows, r => r.Description.Contains("of=/newer", StringComparison.Ordinal));
        var baseSize = rows.Where(r => r.Description.StartsWith("base layer", StringComparison.Ordinal)).Sum(r => r.Size);

        // nothing is an hour old, and everything fits in 10GB: nothing goes
        foreach (var args in new[] { new[] { "prune", "--filter", "until=1h" }, ["prune", "--keep-storage", "10GB"] })
        {
            var kept = (await img.RunAsync(args)).AssertSuccess().Out;
            Assert.DoesNotContain("Deleted build cache objects", kept);
            Assert.EndsWith("Total reclaimed space: 0B\n", kept);
        }

        // room for the base layer and the newer step, not the older one: the older goes
        var keep = baseSize + newerRow.Size + 512 * 1024;
        Assert.True(keep < baseSize + newerRow.Size + olderRow.Size);
        var limited = (await img.RunAsync(["prune", "--keep-storage", keep.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSuccess().Out;
        Assert.Contains("\n" + olderRow.Id + "\n", limited);
        Assert.DoesNotContain(newerRow.Id, limited);
        var afterKeep = StateUsage.ParseDu((await img.RunAsync(["du"])).AssertSuccess().Out);
        Assert.Contains(afterKeep, r => r.Id == newerRow.Id);
        Assert.DoesNotContain(afterKeep, r => r.Id == olderRow.Id);
        Assert.Equal("CACHED", ProgressLog.DockerfileSteps((await img.BuildAsync(newer)).AssertSuccess().Error)
            .Single(kv => kv.Key.Contains("of=/newer", StringComparison.Ordinal)).Value);

        // until=1s after a pause: the newer step is older than that now
        await Task.Delay(1500);
        var until = (await img.RunAsync(["prune", "--filter", "until=1s"])).AssertSuccess().Out;
        Assert.Contains("\n" + newerRow.Id + "\n", until);
    }

    [Fact]
    public async Task AHitOnASnapshotThatIsGone_RunsTheStepAgain()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        (await img.BuildAsync(ctx, "-t", "e2e/lost")).AssertSuccess();
        var copy = StateUsage.ParseDu((await img.RunAsync(["du"])).AssertSuccess().Out).Single(r => r.Description == "[3/4] COPY a.txt /a.txt");

        // lose the COPY's snapshot behind img's back (its record stays in the journal)
        var metadata = Directory.GetFiles(Path.Combine(img.State, "snapshots"), "*.json", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f).Contains($"\"key\": \"{copy.Id}\"", StringComparison.Ordinal));
        File.Delete(metadata);

        // a step after the lost one needs it (and the RUN above it, whose parent it is): both run again
        await File.AppendAllTextAsync(Path.Combine(ctx, "Dockerfile"), "\nRUN cat /derived.txt > /again.txt\n");
        var rebuild = (await img.BuildAsync(ctx, "-t", "e2e/lost")).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(rebuild.Error);
        Assert.Equal("CACHED", steps["[2/5] RUN dd if=/dev/zero of=/big bs=1024 count=400 2>/dev/null"]);
        Assert.Equal("DONE", steps["[3/5] COPY a.txt /a.txt"]);
        Assert.Equal("DONE", steps["[4/5] RUN cat /a.txt > /derived.txt"]);
        Assert.Equal("A\n", (await img.UnpackAsync("e2e/lost")).Text("/again.txt"));
        // and the new records serve the next build
        var cached = (await img.BuildAsync(ctx, "-t", "e2e/lost")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(cached.Error).Values, v => Assert.Equal("CACHED", v));
    }

    [Fact]
    public async Task CacheMounts_AreBuildCacheToo()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nARG RUNS=1\n" +
            "RUN --mount=type=cache,target=/cache,id=e2e-prune ls /cache > /seen.txt && dd if=/dev/zero of=/cache/blob bs=1024 count=200 2>/dev/null\n");
        (await img.BuildAsync(ctx, "-t", "e2e/cachemount")).AssertSuccess();
        var row = Assert.Single(StateUsage.ParseDu((await img.RunAsync(["du"])).AssertSuccess().Out), r => r.Description.StartsWith("cache mount ", StringComparison.Ordinal));
        Assert.Contains("e2e-prune", row.Description);
        Assert.True(row.Reclaimable);
        Assert.InRange(row.Size, 200 * 1024, 400 * 1024);

        // a second run sees the blob the first left in the cache
        (await img.BuildAsync(ctx, "-t", "e2e/cachemount", "--build-arg", "RUNS=2")).AssertSuccess();
        Assert.Equal("blob\n", (await img.UnpackAsync("e2e/cachemount")).Text("/seen.txt"));

        var prune = (await img.RunAsync(["prune"])).AssertSuccess().Out;
        Assert.Contains("\n" + row.Id + "\n", prune);
        Assert.Empty(Directory.GetDirectories(Path.Combine(img.State, "cache", "mounts")));
        (await img.BuildAsync(ctx, "-t", "e2e/cachemount", "--build-arg", "RUNS=3")).AssertSuccess();
        Assert.Equal("", (await img.UnpackAsync("e2e/cachemount")).Text("/seen.txt"));
    }

    [Theory]
    [InlineData("--filter", "until=soon", "--filter")]
    [InlineData("--filter", "label=x", "--filter")]
    [InlineData("--keep-storage", "lots", "--keep-storage")]
    public async Task BadPruneFlags_AreNamed(string flag, string value, string named)
    {
        var img = await fixture.NewStateAsync(withBusybox: false);
        var result = await img.RunAsync(["prune", flag, value]);
        Assert.Equal(125, result.ExitCode);
        Assert.Contains(named, result.Error);
    }

    [Fact]
    public async Task Prune_WaitsForARunningBuild_ThenRemovesItsCache()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN echo started && sleep 3 && echo done > /done.txt\n");
        await using var build = img.StartBuild(ctx, "-t", "e2e/locked");
        await build.WaitForErrorAsync("started", TimeSpan.FromSeconds(60));

        var prune = await img.RunAsync(["prune"]);
        var built = await build.WaitAsync(TimeSpan.FromSeconds(60));
        built.AssertSuccess();
        prune.AssertSuccess();
        Assert.Contains("waiting for lock on", prune.Error);
        // the prune ran after the build: the finished build's step is cache like any other
        Assert.Contains("Deleted build cache objects:", prune.Out);
        Assert.Equal(1, StateUsage.SnapshotCount(img.State));
        Assert.Equal("done\n", (await img.UnpackAsync("e2e/locked")).Text("/done.txt"));
    }

    private static List<string> TarNames(string archive)
    {
        using var reader = new TarReader(File.OpenRead(archive));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
            names.Add(entry.Name);
        return names;
    }
}
