using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>Builds through a coordinator and three nodes (real processes of the published img): the image, where steps ran, the cache, the counters, reproducibility.</summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterBuildTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task A_multi_stage_build_runs_on_the_nodes_gives_the_right_image_and_is_fully_cached_the_second_time()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS builder
            RUN mkdir -p /out/sub && echo built > /out/sub/artifact.txt && chmod 750 /out/sub

            FROM {busybox} AS other
            COPY input.txt /input.txt
            RUN cat /input.txt > /other.txt && echo more >> /other.txt

            FROM {busybox}
            COPY --from=builder /out /copied
            COPY --from=other /other.txt /other.txt
            RUN cat /copied/sub/artifact.txt /other.txt > /both.txt
            """, ("input.txt", "from the context\n"));

        var first = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-multi");

        var steps = ProgressLog.DockerfileSteps(first.Error);
        // the three FROM lines are one vertex (same image), shown once
        Assert.Equal(7, steps.Count);
        Assert.All(steps, s => Assert.Equal("DONE", s.Value));
        var nodes = cluster.Nodes.Select(n => n.Name).ToHashSet();
        var runs = NodeLog.RunsOn(first.Error);
        foreach (var step in steps.Keys.Where(k => k.Contains("] RUN ", StringComparison.Ordinal) || k.Contains("] COPY ", StringComparison.Ordinal)))
        {
            Assert.True(runs.TryGetValue(step, out var on) && on.Count == 1 && nodes.Contains(on[0]),
                $"\"{step}\" should name the one node that ran it:\n{first.Error}");
        }
        var fs = await cluster.Client.UnpackAsync("e2e/cluster-multi");
        Assert.Equal("built\nfrom the context\nmore\n", fs.Text("/both.txt"));
        Assert.Equal("built\n", fs.Text("/copied/sub/artifact.txt"));
        Assert.Equal("750", fs["/copied/sub"].Mode);
        Assert.Equal("from the context\nmore\n", fs.Text("/other.txt"));
        Assert.False(fs.Has("/input.txt"), "a file of another stage leaked into the image");
        Assert.Contains("extra:x:1001:app", fs.Text("/etc/group"));
        var id = await cluster.Client.IdAsync("e2e/cluster-multi");

        var second = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-multi");

        Assert.All(ProgressLog.DockerfileSteps(second.Error), s => Assert.Equal("CACHED", s.Value));
        Assert.DoesNotContain(NodeLog.RunsOn(second.Error).Keys, k => k.StartsWith('['));
        Assert.Equal(id, await cluster.Client.IdAsync("e2e/cluster-multi"));
    }

    [Fact]
    public async Task Independent_stages_run_on_at_least_two_nodes_and_the_executed_counters_add_up()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        // parallel-distinct: four stages that differ, none reading the context (the context step
        // runs on a node without a "running on" line, which would blur the count)
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS s1
            RUN sleep 1 && echo one > /out
            FROM {busybox} AS s2
            RUN sleep 1 && echo two > /out
            FROM {busybox} AS s3
            RUN sleep 1 && echo three > /out
            FROM {busybox} AS s4
            RUN sleep 1 && echo four > /out
            FROM {busybox}
            COPY --from=s1 /out /o1
            COPY --from=s2 /out /o2
            COPY --from=s3 /out /o3
            COPY --from=s4 /out /o4
            RUN cat /o1 /o2 /o3 /o4 > /all
            """);
        Assert.Equal(0, (await cluster.StatusAsync()).Executed);

        var build = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-parallel");

        var runs = NodeLog.RunsOn(build.Error);
        var stageNodes = runs.Where(kv => kv.Key.Contains("] RUN sleep 1", StringComparison.Ordinal)).Select(kv => kv.Value.Single()).ToList();
        Assert.Equal(4, stageNodes.Count);
        Assert.True(stageNodes.Distinct().Count() >= 2, $"the four independent stages all ran on {stageNodes[0]}:\n{build.Error}");
        Assert.Equal("one\ntwo\nthree\nfour\n", (await cluster.Client.UnpackAsync("e2e/cluster-parallel")).Text("/all"));
        var ran = runs.Values.SelectMany(v => v).ToList();
        var status = await cluster.WaitForStatusAsync(s => s.Settled(ran.Count), $"{ran.Count} executed vertices, nothing running", TimeSpan.FromSeconds(15));
        Assert.Equal(ran.Count, status.Executed);
        foreach (var node in cluster.Nodes)
            Assert.Equal(ran.Count(n => n == node.Name), status.Node(node.Name)!.Executed);
    }

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_a_cluster_build_gives_the_image_a_standalone_build_gives()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture);
        var ctx = ContextDir.Create(fixture, $"""
            FROM {busybox} AS build
            COPY app.txt /src/app.txt
            RUN mkdir -p /out && cat /src/app.txt > /out/app && chmod 755 /out/app && echo log > /out/build.log

            FROM {busybox}
            WORKDIR /app
            COPY --from=build /out /app
            ENV MODE=reproducible
            RUN echo done > /app/done.txt && rm /app/build.log
            """, ("app.txt", "the application\n"));
        string[] args = ["-t", "e2e/reproducible", "--build-arg", "SOURCE_DATE_EPOCH=1700000000"];

        await cluster.BuildAsync(ctx, args);
        var standalone = await fixture.NewStateAsync(withBusybox: false);
        (await standalone.BuildAsync(ctx, args)).AssertSuccess();

        Assert.Equal(await standalone.LayersAsync("e2e/reproducible"), await cluster.Client.LayersAsync("e2e/reproducible"));
        Assert.Equal(await standalone.IdAsync("e2e/reproducible"), await cluster.Client.IdAsync("e2e/reproducible"));
    }
}
