using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>
/// <c>--cache-to</c> / <c>--cache-from</c> through a cluster: the nodes push their layers to the
/// cache registry themselves; a cold cluster imports a cache another cluster exported (the
/// coordinator gets the records with the build; the node a step runs on fetches the layers it
/// needs from the registry); the client delivers a fully cached image from the cache.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterCacheTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task A_cache_exported_through_one_cluster_warms_a_cold_cluster_and_a_standalone_build()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        var cache = $"{registry.Registry.Host}/e2e/cluster-cache:max";
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS gen
            RUN echo generated > /gen.txt

            FROM {busybox}
            COPY source.txt /source.txt
            COPY --from=gen /gen.txt /gen.txt
            RUN cat /source.txt /gen.txt > /out.txt
            """, ("source.txt", "source\n"));
        string exportedId;
        await using (var first = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 2 }))
        {
            var build = first.Succeeded(await first.RunBuildAsync(first.Client, first.Address, ctx, ClusterProcesses.BuildTimeout,
                "-t", "e2e/app", "--cache-to", $"type=registry,ref={cache},mode=max", "--cache-to", $"type=local,dest={Path.Combine(ctx, "..", "cluster-local-cache")}"));
            Assert.All(ProgressLog.DockerfileSteps(build.Error), s => Assert.Equal("DONE", s.Value));
            Assert.Contains("exporting cache to registry", build.Error);
            Assert.Contains("exporting cache to client directory", build.Error);
            exportedId = await first.Client.IdAsync("e2e/app");
        }

        // a standalone runner starts warm from what the cluster exported
        var standalone = await fixture.NewStateAsync(withBusybox: false);
        var warm = (await standalone.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", cache)).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(warm.Error), s => Assert.Equal("CACHED", s.Value));
        Assert.Equal(exportedId, await standalone.IdAsync("e2e/app"));

        // a cold cluster: source.txt changed, so the last two steps run on a node, on layers it fetches from the cache
        File.WriteAllText(Path.Combine(ctx, "source.txt"), "changed\n");
        await using var cold = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1 });
        var partial = cold.Succeeded(await cold.RunBuildAsync(cold.Client, cold.Address, ctx, ClusterProcesses.BuildTimeout, "-t", "e2e/app", "--cache-from", cache));
        var steps = ProgressLog.DockerfileSteps(partial.Error);
        Assert.Equal("CACHED", steps["[gen 2/2] RUN echo generated > /gen.txt"]);
        Assert.Equal("DONE", steps["[stage-1 2/4] COPY source.txt /source.txt"]);
        Assert.Equal("DONE", steps["[stage-1 4/4] RUN cat /source.txt /gen.txt > /out.txt"]);
        Assert.DoesNotContain("WARNING", partial.Error);
        Assert.Equal("changed\ngenerated\n", (await cold.Client.UnpackAsync("e2e/app")).Text("/out.txt"));
    }
}
