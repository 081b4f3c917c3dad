using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>A named directory context through <c>--cluster</c>: served by name through the build's session like the main context.</summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterNamedContextTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task A_directory_context_reaches_the_nodes_and_keys_the_cache_by_content()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var libs = fixture.NewDirectory("cluster-libs");
        ContextDir.Write(libs, "lib.txt", "lib v1\n");
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            COPY --from=libs /lib.txt /lib.txt
            RUN --mount=from=libs,target=/m cat /m/lib.txt > /mounted.txt
            """);

        (await cluster.BuildAsync(ctx, "-t", "e2e/cluster-named", "--build-context", $"libs={libs}")).AssertSuccess();
        var fs = await cluster.Client.UnpackAsync("e2e/cluster-named");
        Assert.Equal("lib v1\n", fs.Text("/lib.txt"));
        Assert.Equal("lib v1\n", fs.Text("/mounted.txt"));

        var again = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-named", "--build-context", $"libs={libs}");
        Assert.All(ProgressLog.DockerfileSteps(again.Error), s => Assert.Equal("CACHED", s.Value));

        ContextDir.Write(libs, "lib.txt", "lib v2\n");
        (await cluster.BuildAsync(ctx, "-t", "e2e/cluster-named", "--build-context", $"libs={libs}")).AssertSuccess();
        Assert.Equal("lib v2\n", (await cluster.Client.UnpackAsync("e2e/cluster-named")).Text("/mounted.txt"));
    }
}
