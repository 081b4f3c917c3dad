using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>The build cache as a user sees it: CACHED steps, content (not mtime) keys, --no-cache, persistence across processes.</summary>
[Collection(E2ECollection.Name)]
public sealed class CacheTests(ImgFixture fixture)
{
    private const string Dockerfile = """
        FROM busybox
        RUN echo first > /first.txt
        COPY a.txt /a.txt
        RUN cat /a.txt > /derived.txt
        COPY b.txt /b.txt
        """;

    private const string Run1 = "[2/5] RUN echo first > /first.txt";
    private const string Copy1 = "[3/5] COPY a.txt /a.txt";
    private const string Run2 = "[4/5] RUN cat /a.txt > /derived.txt";
    private const string Copy2 = "[5/5] COPY b.txt /b.txt";

    [Fact]
    public async Task Rebuilds_ReuseTheCache_UntilAnInputChanges()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A1\n"), ("b.txt", "B\n"));

        var first = (await img.BuildAsync(ctx, "-t", "e2e/cache")).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(first.Error);
        Assert.Equal("DONE", steps[Run1]);
        Assert.Equal("DONE", steps[Run2]);
        var firstId = await img.IdAsync("e2e/cache");

        // no change: every step CACHED, the same image
        var again = (await img.BuildAsync(ctx, "-t", "e2e/cache")).AssertSuccess();
        steps = ProgressLog.DockerfileSteps(again.Error);
        Assert.All(new[] { Run1, Copy1, Run2, Copy2 }, s => Assert.Equal("CACHED", steps.GetValueOrDefault(s, "missing")));
        Assert.Contains(firstId, again.Error);
        Assert.Equal(firstId, await img.IdAsync("e2e/cache"));

        // a new mtime with the same content is no change (content checksums, not mtimes)
        File.SetLastWriteTimeUtc(Path.Combine(ctx, "a.txt"), DateTime.UtcNow.AddHours(-3));
        var touched = (await img.BuildAsync(ctx, "-t", "e2e/cache")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(touched.Error).Values, v => Assert.Equal("CACHED", v));
        Assert.Equal(firstId, await img.IdAsync("e2e/cache"));

        // a.txt changed: the steps before its COPY stay cached, the COPY and everything after re-run
        await File.WriteAllTextAsync(Path.Combine(ctx, "a.txt"), "A2\n");
        var changed = (await img.BuildAsync(ctx, "-t", "e2e/cache")).AssertSuccess();
        steps = ProgressLog.DockerfileSteps(changed.Error);
        Assert.Equal("CACHED", steps[Run1]);
        Assert.Equal("DONE", steps[Copy1]);
        Assert.Equal("DONE", steps[Run2]);
        Assert.Equal("DONE", steps[Copy2]);
        var changedId = await img.IdAsync("e2e/cache");
        Assert.NotEqual(firstId, changedId);
        Assert.Equal("A2\n", (await img.UnpackAsync("e2e/cache")).Text("/derived.txt"));

        // --no-cache: everything runs again
        var noCache = (await img.BuildAsync(ctx, "-t", "e2e/cache", "--no-cache")).AssertSuccess();
        steps = ProgressLog.DockerfileSteps(noCache.Error);
        Assert.All(new[] { Run1, Copy1, Run2, Copy2 }, s => Assert.Equal("DONE", steps.GetValueOrDefault(s, "missing")));

        // the cache outlives the image name and the process: untag, then a new img process builds from cache
        (await img.RunAsync(["rm", "e2e/cache"])).AssertSuccess();
        var persisted = (await img.BuildAsync(ctx, "-t", "e2e/cache-again")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(persisted.Error).Values, v => Assert.Equal("CACHED", v));
        Assert.Equal("A2\n", (await img.UnpackAsync("e2e/cache-again")).Text("/derived.txt"));
    }
}
