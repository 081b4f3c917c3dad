using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>
/// <c>img build --cluster --platform linux/amd64,linux/arm64</c>: each platform's steps run on the
/// nodes (arm64 under QEMU there), the node that writes the index gathers both images, and the
/// client gets the index as a one-process build gives it; <c>--push</c> pushes the whole index
/// from that node.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterMultiPlatformTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>, IAsyncLifetime
{
    public Task InitializeAsync() => QemuEmulation.EnsureRegisteredAsync("aarch64");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Both_platforms_run_on_the_nodes_and_the_index_reaches_the_store_and_the_registry()
    {
        // the base image: an index of Debian's busybox-static for amd64 and arm64, in the registry the nodes pull from
        var multiArch = await ForeignBusybox.MultiArchStateAsync(fixture);
        var busybox = $"{registry.Registry.Host}/busybox-multi:latest";
        (await multiArch.RunAsync(["tag", "busybox:latest", busybox])).AssertSuccess();
        (await multiArch.RunAsync(["push", busybox])).AssertSuccess();
        // n1 runs amd64 steps only and n2 arm64 steps only (as buildkitd --oci-worker-platform), so
        // the two platforms' RUN steps run on different nodes and the index's node has to fetch
        // the other platform's image
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions
        {
            Nodes = 2,
            Slots = 1,
            NodeArgs = new Dictionary<string, string[]> { ["n1"] = ["--platform", "linux/amd64"], ["n2"] = ["--platform", "linux/arm64"] },
        });
        Assert.Contains("platforms linux/amd64)", cluster.Node("n1").Log);
        Assert.Contains("platforms linux/arm64)", cluster.Node("n2").Log);
        var status = (await cluster.StatusAsync()).Text.Split('\n');
        Assert.Matches(@"^n1 .* ready +linux/amd64$", status.Single(l => l.StartsWith("n1 ", StringComparison.Ordinal)).TrimEnd());
        Assert.Matches(@"^n2 .* ready +linux/arm64$", status.Single(l => l.StartsWith("n2 ", StringComparison.Ordinal)).TrimEnd());
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            ARG TARGETPLATFORM
            RUN sleep 2 && echo "$TARGETPLATFORM $(uname -m)" > /info
            """);
        string[] platforms = ["--platform", "linux/amd64,linux/arm64"];

        var first = await cluster.BuildAsync(ctx, [.. platforms, "-t", "e2e/cluster-platforms"]);

        var runs = NodeLog.RunsOn(first.Error).Where(kv => kv.Key.Contains("] RUN sleep 2", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal("n1", runs.Single(r => r.Key.StartsWith("[linux/amd64 ", StringComparison.Ordinal)).Value.Single());
        Assert.Equal("n2", runs.Single(r => r.Key.StartsWith("[linux/arm64 ", StringComparison.Ordinal)).Value.Single());
        Assert.Matches(@"\n#\d+ exporting manifest list sha256:[0-9a-f]{64}", first.Error);
        var index = await IndexAsync(cluster.Client, "e2e/cluster-platforms");
        Assert.Equal(["amd64", "arm64"], index.Platforms);
        Assert.Equal("linux/amd64 x86_64\n", (await UnpackAsync(cluster.Client, "e2e/cluster-platforms", "linux/amd64")).Text("/info"));
        Assert.Equal("linux/arm64 aarch64\n", (await UnpackAsync(cluster.Client, "e2e/cluster-platforms", "linux/arm64")).Text("/info"));

        // cached, pushed from the node: the same index, whole, in the registry
        var pushed = $"{registry.Registry.Host}/e2e/cluster-platforms:1";
        var second = await cluster.BuildAsync(ctx, [.. platforms, "-t", pushed, "--push"]);
        Assert.All(ProgressLog.DockerfileSteps(second.Error), s => Assert.Equal("CACHED", s.Value));
        Assert.Contains($"pushing manifest for {pushed}@{index.Digest}", second.Error);
        var puller = await fixture.NewStateAsync(withBusybox: false);
        (await puller.RunAsync(["pull", pushed])).AssertSuccess();
        var pulled = await IndexAsync(puller, pushed);
        Assert.Equal(index.Digest, pulled.Digest);
        Assert.Equal("linux/arm64 aarch64\n", (await UnpackAsync(puller, pushed, "linux/arm64")).Text("/info"));
    }

    private sealed record IndexSummary(string Digest, IReadOnlyList<string> Platforms);

    private static async Task<IndexSummary> IndexAsync(ImgCli img, string image)
    {
        var inspect = await img.InspectAsync(image);
        var descriptor = inspect.GetProperty("Descriptor");
        Assert.Equal("application/vnd.oci.image.index.v1+json", descriptor.GetProperty("mediaType").GetString());
        var platforms = inspect.GetProperty("Manifests").EnumerateArray()
            .Select(m => m.GetProperty("Descriptor").GetProperty("platform").GetProperty("architecture").GetString()!).ToList();
        return new IndexSummary(descriptor.GetProperty("digest").GetString()!, platforms);
    }

    private async Task<FileTree> UnpackAsync(ImgCli img, string image, string platform)
    {
        var dir = fixture.NewDirectory("rootfs");
        (await img.RunAsync(["unpack", "--platform", platform, image, dir])).AssertSuccess();
        return await FileTree.ReadAsync(dir);
    }
}
