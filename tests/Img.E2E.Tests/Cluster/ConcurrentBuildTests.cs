using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>Builds that ask for the same work at the same time share it: one execution per cache key, cluster-wide.</summary>
[Collection(E2ECollection.Name)]
public sealed class ConcurrentBuildTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task Two_clients_submitting_the_same_Dockerfile_at_once_execute_each_vertex_exactly_once()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        // no context: its step runs on a node without a "running on" line (see ClusterBuildTests)
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS left
            RUN sleep 2 && echo left > /left.txt
            FROM {busybox} AS right
            RUN sleep 2 && echo right > /right.txt
            FROM {busybox}
            COPY --from=left /left.txt /left.txt
            COPY --from=right /right.txt /right.txt
            RUN cat /left.txt /right.txt > /both.txt
            """);
        var other = new ImgCli(fixture, fixture.NewDirectory("client2"));

        await using var a = cluster.StartBuild(cluster.Client, cluster.Addresses, ctx, "-t", "e2e/concurrent");
        await using var b = cluster.StartBuild(other, cluster.Addresses, ctx, "-t", "e2e/concurrent");
        var results = await Task.WhenAll(cluster.WaitAsync(a, ClusterProcesses.BuildTimeout), cluster.WaitAsync(b, ClusterProcesses.BuildTimeout));

        foreach (var r in results)
            cluster.Succeeded(r);
        Assert.Equal("left\nright\n", (await cluster.Client.UnpackAsync("e2e/concurrent")).Text("/both.txt"));
        Assert.Equal(await cluster.Client.IdAsync("e2e/concurrent"), await other.IdAsync("e2e/concurrent"));
        // each CLI names the node of every step it saw run; a step shared by both is one execution
        var runs = results.Select(r => NodeLog.RunsOn(r.Error)).ToList();
        foreach (var (step, nodes) in runs.SelectMany(r => r))
            Assert.True(nodes.Count == 1, $"\"{step}\" ran on {string.Join(", ", nodes)}");
        var ran = runs.SelectMany(r => r.Keys).Distinct().ToList();
        foreach (var step in ran)
        {
            var where = runs.Where(r => r.ContainsKey(step)).Select(r => r[step][0]).Distinct().ToList();
            Assert.True(where.Count == 1, $"\"{step}\" ran on {string.Join(" and ", where)}: twice");
        }
        Assert.Contains(ran, s => s.Contains("RUN sleep 2 && echo left", StringComparison.Ordinal));
        var status = await cluster.WaitForStatusAsync(s => s.Settled(ran.Count), $"{ran.Count} executed vertices, nothing running", TimeSpan.FromSeconds(15));
        Assert.True(status.Executed == ran.Count,
            $"the nodes executed {status.Executed} vertices for {ran.Count} distinct steps:\n{string.Join('\n', ran)}\n{status.Text}\n--- a ---\n{results[0].Error}\n--- b ---\n{results[1].Error}");
    }
}
