using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>Nodes that die (SIGKILL, with their containers) or are stopped (SIGTERM) while a build runs: the build still succeeds.</summary>
[Collection(E2ECollection.Name)]
public sealed class NodeFailureTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_run_has_the_step_rerun_on_another_node_and_the_build_succeeds()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            RUN echo started-long-$((20+22)) && sleep 20 && echo finished > /long.txt
            """);
        await using var build = cluster.StartBuild(cluster.Client, cluster.Addresses, ctx, "-t", "e2e/cluster-killed");
        // the shell prints 42: the description line shows $((20+22)), so only the RUN's output matches
        await cluster.WaitForOutputAsync(build, "started-long-42");
        var victim = cluster.Node(NodeLog.NodeOf(build.Error, "] RUN echo started-long-$((20+22)) && sleep 20 && echo finished > /long.txt"));

        await victim.KillAsync();

        var result = cluster.Succeeded(await cluster.WaitAsync(build, ClusterProcesses.BuildTimeout));
        var on = NodeLog.RunsOn(result.Error).Single(kv => kv.Key.Contains("] RUN echo started-long", StringComparison.Ordinal)).Value;
        Assert.True(on.Count == 2 && on[0] == victim.Name && on[1] != victim.Name,
            $"the RUN should have run on {victim.Name}, then on another node; it ran on {string.Join(", ", on)}:\n{result.Error}");
        Assert.Equal("finished\n", (await cluster.Client.UnpackAsync("e2e/cluster-killed")).Text("/long.txt"));
    }

    /// <summary>
    /// Placement is forced with single-slot nodes: the base is pulled on one node, then the two
    /// stages' RUNs are ready at once and cannot share a slot, so stage a's short RUN and stage b's
    /// long one run at the same time on two nodes (which is which is read from the "running on"
    /// lines). Once a is DONE its node is killed while b's RUN still sleeps: the COPY --from=a
    /// that follows b's RUN needs a result whose only holder is gone.
    /// </summary>
    [Fact]
    public async Task When_the_only_holder_of_an_input_is_killed_the_producer_is_rerun_and_the_build_succeeds()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 3, Slots = 1 });
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS a
            RUN echo produced-by-a > /a.txt

            FROM {busybox} AS b
            RUN echo b-waits-$((20+22)) && sleep 6 && echo b > /b.txt
            COPY --from=a /a.txt /a.txt
            RUN cat /a.txt /b.txt > /both.txt
            """);
        await using var build = cluster.StartBuild(cluster.Client, cluster.Addresses, ctx, "-t", "e2e/cluster-lost-input");
        await cluster.WaitForOutputAsync(build, "b-waits-42");
        await cluster.WaitForStepAsync(build, "[a 2/2] RUN echo produced-by-a > /a.txt", "DONE");
        var producer = NodeLog.NodeOf(build.Error, "[a 2/2] RUN echo produced-by-a > /a.txt");
        Assert.False(ProgressLog.Steps(build.Error).TryGetValue("[b 3/4] COPY --from=a /a.txt /a.txt", out var copy) && copy == "DONE",
            $"b's COPY ran before the producer's node could be killed:\n{build.Error}");

        await cluster.Node(producer).KillAsync();

        var result = cluster.Succeeded(await cluster.WaitAsync(build, ClusterProcesses.BuildTimeout));
        var on = NodeLog.RunsOn(result.Error)["[a 2/2] RUN echo produced-by-a > /a.txt"];
        Assert.True(on.Count == 2 && on[1] != producer,
            $"a's RUN should have run again elsewhere after {producer} died; it ran on {string.Join(", ", on)}:\n{result.Error}");
        Assert.Equal("produced-by-a\nb\n", (await cluster.Client.UnpackAsync("e2e/cluster-lost-input")).Text("/both.txt"));
    }

    [Fact]
    public async Task A_node_sent_SIGTERM_while_it_runs_a_step_finishes_or_hands_it_back_leaves_and_the_build_succeeds()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox}
            RUN echo started-drain-$((20+22)) && sleep 4 && echo drained > /drain.txt
            RUN cat /drain.txt > /after.txt
            """);
        await using var build = cluster.StartBuild(cluster.Client, cluster.Addresses, ctx, "-t", "e2e/cluster-drain");
        await cluster.WaitForOutputAsync(build, "started-drain-42");
        var node = cluster.Node(NodeLog.NodeOf(build.Error, "] RUN echo started-drain-$((20+22)) && sleep 4 && echo drained > /drain.txt"));

        var exit = await node.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"{node} exited {exit} after SIGTERM\n{DaemonLogs.Tail(node)}");
        Assert.Contains($"node {node.Name}: draining", node.Log, StringComparison.Ordinal);
        Assert.Contains($"node {node.Name} left the cluster", node.Log, StringComparison.Ordinal);
        var result = cluster.Succeeded(await cluster.WaitAsync(build, ClusterProcesses.BuildTimeout));
        Assert.Equal("drained\n", (await cluster.Client.UnpackAsync("e2e/cluster-drain")).Text("/after.txt"));
        var after = NodeLog.RunsOn(result.Error).Single(kv => kv.Key.Contains("] RUN cat /drain.txt", StringComparison.Ordinal)).Value;
        Assert.DoesNotContain(node.Name, after);
        await cluster.WaitForStatusAsync(s => s.Node(node.Name) is not { State: "ready" }, $"{node.Name} no longer ready", TimeSpan.FromSeconds(30));
    }
}
