using System.Diagnostics;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// A build stopped by a signal (Ctrl-C, a CI job's SIGTERM): buildx's message and exit code 130,
/// the running step shown CANCELED, and nothing left behind (container, mounts, bundle, partial
/// blobs, the lock), so the next build on the same state works.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class CancelTests(ImgFixture fixture)
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Signal_StopsTheRunningStep_Exits130_AndLeavesNothingBehind(string signal)
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN echo started && sleep 30\nRUN echo never-ran\n");
        await using var build = img.StartBuild(ctx, "-t", "e2e/cancelled");
        await build.WaitForErrorAsync(" started\n", TimeSpan.FromMinutes(1)); // the container is running

        var clock = Stopwatch.StartNew();
        await build.SignalAsync(signal);
        var result = await build.WaitAsync(TimeSpan.FromSeconds(25));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed} to stop: the sleep was not killed");
        Assert.Equal(130, result.ExitCode);
        Assert.Matches(@"\n#(\d+) [^\n]*RUN echo started && sleep 30\n(#\1 [^\n]*\n)*#\1 CANCELED\n", result.Error);
        Assert.EndsWith("\nERROR: failed to build: failed to solve: Canceled: context canceled\n", result.Error);
        Assert.DoesNotContain("never-ran\n#", result.Error);

        var mounts = await File.ReadAllTextAsync("/proc/self/mounts");
        Assert.DoesNotContain(img.State, mounts);
        var runcRoot = Path.Combine(img.State, "runc", "runc");
        var containers = (await ProcessRunner.ToolAsync("runc", "--root", runcRoot, "list", "-q")).AssertSuccess();
        Assert.Equal("", containers.Out.Trim());
        var bundles = Path.Combine(img.State, "runc", "bundles");
        Assert.True(!Directory.Exists(bundles) || !Directory.EnumerateFileSystemEntries(bundles).Any(), "a runc bundle was left behind");
        Assert.Empty(FilesUnder(Path.Combine(img.State, "content", "ingest")));
        Assert.Empty(FilesUnder(Path.Combine(img.State, "tmp")));

        // The lock is free and the state is whole: the next build works, the cancelled one named nothing.
        var next = ContextDir.Create(fixture, "FROM busybox\nRUN echo next > /next.txt\n");
        (await img.BuildAsync(next, "-t", "e2e/next")).AssertSuccess();
        Assert.Equal("next\n", (await img.UnpackAsync("e2e/next")).Text("/next.txt"));
        Assert.DoesNotContain("e2e/cancelled:latest", await img.ListAsync());
    }

    private static IEnumerable<string> FilesUnder(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories) : [];
}
