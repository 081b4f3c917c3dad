using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// Automatic gc after builds, as buildkitd's gc policy: a config file's limit, least recently
/// used entries first (a cache hit counts as a use), images never harmed, bad config named.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class GcTests(ImgFixture fixture)
{
    private static string Dockerfile(string name) => $"""
        FROM busybox
        RUN dd if=/dev/zero of=/{name} bs=1k count=600 2>/dev/null
        """;

    private static string Run(string name) => $"[2/2] RUN dd if=/dev/zero of=/{name} bs=1k count=600 2>/dev/null";

    [Fact]
    public async Task Builds_keep_the_cache_under_the_configured_limit_dropping_the_least_recently_used()
    {
        var img = await fixture.NewStateAsync();
        // room for two 600 KB steps, not three
        await File.WriteAllTextAsync(Path.Combine(img.State, "img.toml"), """
            [worker.oci]
              gc = true

            [[worker.oci.gcpolicy]]
              maxUsedSpace = 1500000
            """);
        var a = ContextDir.Create(fixture, Dockerfile("a"));
        var b = ContextDir.Create(fixture, Dockerfile("b"));
        var c = ContextDir.Create(fixture, Dockerfile("c"));

        (await img.BuildAsync(a, "-t", "e2e/gc-a")).AssertSuccess();
        (await img.BuildAsync(b, "-t", "e2e/gc-b")).AssertSuccess();
        // a hit: a is now used after b
        var hit = (await img.BuildAsync(a, "-t", "e2e/gc-a")).AssertSuccess();
        Assert.Equal("CACHED", ProgressLog.DockerfileSteps(hit.Error)[Run("a")]);

        // a third step passes the limit: b's step, the least recently used, goes
        (await img.BuildAsync(c, "-t", "e2e/gc-c")).AssertSuccess();
        var du = (await img.RunAsync(["du"])).AssertSuccess();
        Assert.Contains(Run("a")[6..], du.Out);
        Assert.Contains(Run("c")[6..], du.Out);
        Assert.DoesNotContain(Run("b")[6..], du.Out);

        // the image built from it is whole
        Assert.Equal(600 * 1024, (await img.UnpackAsync("e2e/gc-b"))["/b"].Size);
        Assert.Equal("CACHED", ProgressLog.DockerfileSteps((await img.BuildAsync(a, "-t", "e2e/gc-a")).AssertSuccess().Error)[Run("a")]);
        Assert.Equal("DONE", ProgressLog.DockerfileSteps((await img.BuildAsync(b, "-t", "e2e/gc-b")).AssertSuccess().Error)[Run("b")]);
    }

    [Fact]
    public async Task Prune_until_goes_by_last_use_not_by_write_time()
    {
        var img = await fixture.NewStateAsync();
        await File.WriteAllTextAsync(Path.Combine(img.State, "img.toml"), "[worker.oci]\ngc = false\n");
        var a = ContextDir.Create(fixture, Dockerfile("a"));
        var b = ContextDir.Create(fixture, Dockerfile("b"));
        (await img.BuildAsync(a, "-t", "e2e/gc-a")).AssertSuccess();
        (await img.BuildAsync(b, "-t", "e2e/gc-b")).AssertSuccess();
        await Task.Delay(TimeSpan.FromSeconds(6));
        // a was written before b, but used from the cache now
        var hit = (await img.BuildAsync(a, "-t", "e2e/gc-a")).AssertSuccess();
        Assert.Equal("CACHED", ProgressLog.DockerfileSteps(hit.Error)[Run("a")]);

        var prune = (await img.RunAsync(["prune", "--filter", "until=4s"])).AssertSuccess();
        Assert.Contains("Total reclaimed space:", prune.Out);
        var du = (await img.RunAsync(["du"])).AssertSuccess();
        Assert.Contains(Run("a")[6..], du.Out);
        Assert.DoesNotContain(Run("b")[6..], du.Out);
    }

    [Fact]
    public async Task A_bad_config_file_stops_the_build_with_its_file_and_line()
    {
        var img = await fixture.NewStateAsync();
        var config = Path.Combine(img.State, "img.toml");
        await File.WriteAllTextAsync(config, "[worker.oci]\n\ngc = maybe\n");
        var result = await img.BuildAsync(ContextDir.Create(fixture, Dockerfile("a")), "-t", "e2e/gc-bad");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"ERROR: invalid config: {config}:3: invalid value maybe", result.Error);
        Assert.DoesNotContain("e2e/gc-bad", await img.ListAsync());

        await File.WriteAllTextAsync(config, "[[worker.oci.gcpolicy]]\nkeepDuration = \"two days\"\n");
        result = await img.BuildAsync(ContextDir.Create(fixture, Dockerfile("a")), "-t", "e2e/gc-bad");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"ERROR: invalid config: {config}:2: invalid duration for keepDuration: \"two days\"", result.Error);
    }
}
