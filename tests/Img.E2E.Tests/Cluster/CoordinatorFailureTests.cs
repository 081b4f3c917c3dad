using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Img.E2E.Tests.Cluster;

/// <summary>Coordinators that die: restarted between builds (the cache is in its journal, the layers on the nodes), or killed in the middle of one with a second coordinator to go to.</summary>
[Collection(E2ECollection.Name)]
public sealed class CoordinatorFailureTests(ImgFixture fixture, BaseImageRegistry registry, PostgresFixture postgres, ITestOutputHelper output)
    : IClassFixture<BaseImageRegistry>, IClassFixture<PostgresFixture>
{
    // a node gives a vanished coordinator 15 s (NodeHostOptions.OrphanTimeout) before it joins again
    private static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_coordinator_killed_and_restarted_between_builds_gets_its_nodes_back_and_the_next_build_is_fully_cached()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS tool
            RUN echo tool > /tool.txt

            FROM {busybox}
            COPY app.txt /app.txt
            COPY --from=tool /tool.txt /tool.txt
            RUN cat /app.txt /tool.txt > /both.txt
            """, ("app.txt", "app\n"));
        await cluster.BuildAsync(ctx, "-t", "e2e/cluster-restart");
        var id = await cluster.Client.IdAsync("e2e/cluster-restart");

        await cluster.Coordinator.KillAsync();
        cluster.Coordinator.Start();
        await cluster.Coordinator.WaitForLogAsync("img coordinator c1: clients at", TimeSpan.FromSeconds(60));
        // the node table alone is not enough: a restarted coordinator hears the old members'
        // heartbeats before they are members of its new cluster again
        await cluster.WaitForStatusAsync(
            s => cluster.Nodes.All(n => s.Node(n.Name)?.State == "ready") && s.Members.Count(m => m.Roles.Contains("node") && m.Status == "Up" && m.Reachable) == cluster.Nodes.Count,
            "every node ready and an Up member again", RejoinTimeout);

        var again = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-restart");

        var steps = ProgressLog.DockerfileSteps(again.Error);
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.Equal("CACHED", s.Value));
        Assert.Equal(id, await cluster.Client.IdAsync("e2e/cluster-restart"));
    }

    [Fact]
    public async Task A_coordinator_killed_mid_build_with_another_in_the_cluster_list_lets_the_build_succeed_or_fail_clearly_never_hang()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        var database = await postgres.CreateDatabaseAsync("failover");
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions
        {
            Nodes = 2,
            SecondCoordinator = true,
            Database = database,
            // c1's shards move to c2 once the split brain resolver downs c1: 5 s of stability
            // instead of 15 keeps the test short; the behaviour is the same
            Hocon = "akka.cluster.split-brain-resolver.stable-after = 5s",
        });
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            RUN echo failover-$((20+22)) && sleep 5 && echo survived > /failover.txt
            RUN cat /failover.txt > /after.txt
            """);
        await using var build = cluster.StartBuild(cluster.Client, cluster.Addresses, ctx, "-t", "e2e/cluster-failover");
        await cluster.WaitForOutputAsync(build, "failover-42");

        await cluster.Coordinator.KillAsync();

        var result = await cluster.WaitAsync(build, TimeSpan.FromSeconds(150));
        if (result.ExitCode == 0)
        {
            Assert.Contains("lost the connection to coordinator c1", result.Error, StringComparison.Ordinal);
            Assert.Equal("survived\n", (await cluster.Client.UnpackAsync("e2e/cluster-failover")).Text("/after.txt"));
        }
        else
        {
            // a clear error: it names what was lost, not a stack trace
            Assert.Contains("coordinator", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.Contains("c1", result.Error, StringComparison.Ordinal);
        }
        output.WriteLine($"the build {(result.ExitCode == 0 ? "succeeded through c2" : $"failed clearly ({result.ExitCode})")}:\n{result.Error}");
    }

    [Fact]
    public async Task A_build_whose_only_coordinator_is_killed_mid_build_fails_at_once_with_a_clear_error()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1 });
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            RUN echo alone-$((20+22)) && sleep 30
            """);
        await using var build = cluster.StartBuild(cluster.Client, cluster.Address, ctx, "-t", "e2e/cluster-orphan");
        await cluster.WaitForOutputAsync(build, "alone-42");

        await cluster.Coordinator.KillAsync();

        // nothing to reconnect to: the client must say so, not wait for the 30 s step
        var result = await cluster.WaitAsync(build, TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode is not 0 and < 128, $"the client should exit with an error, not a crash or success:\n{result}");
        Assert.True(result.Error.Contains($"lost the connection to coordinator c1 ({cluster.Address}): cannot reach the cluster", StringComparison.Ordinal)
            && !result.Error.Contains("   at ", StringComparison.Ordinal), $"not a clear error:\n{result}");
    }
}
