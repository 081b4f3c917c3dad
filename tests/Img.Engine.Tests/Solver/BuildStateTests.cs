using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Xunit;

namespace Img.Engine.Tests.Solver;

public class BuildStateTests
{
    /// <summary>Diamond: image → (left, right) → merge → export.</summary>
    private sealed record Diamond(BuildGraph Graph, OpDigest Image, OpDigest Left, OpDigest Right, OpDigest Merge, OpDigest Export);

    private static Diamond MakeDiamond(bool ignoreCache = false)
    {
        var b = new BuildGraphBuilder();
        OpMetadata M(string d) => new(d, IgnoreCache: ignoreCache);
        var image = b.Add(new SourceOp(SourceKind.Image, "alpine@sha256:1111"), M("FROM alpine"));
        var left = b.Add(new ExecOp(image, ["left"], [], "/", ""), M("RUN left"));
        var right = b.Add(new ExecOp(image, ["right"], [], "/", ""), M("RUN right"));
        var merge = b.Add(new MergeOp([left, right]), M("merge"));
        var export = b.Add(new ImageConfigOp(merge, new ImageConfig()), M("export"));
        return new Diamond(b.Build(export.Digest), image.Digest, left.Digest, right.Digest, merge.Digest, export.Digest);
    }

    private static CacheResult R(string id) => new(id);

    private static OpDigest[] Probes(IEnumerable<SchedulerAction> actions) => actions.OfType<ProbeCacheAction>().Select(a => a.Vertex).ToArray();

    private static OpDigest[] Reports(IEnumerable<SchedulerAction> actions) => actions.OfType<ReportCachedAction>().Select(a => a.Vertex).ToArray();

    private static OpDigest[] Runs(IEnumerable<SchedulerAction> actions) => actions.OfType<RunVertexAction>().Select(a => a.Vertex).ToArray();

    [Fact]
    public void FullyCachedBuildLooksUpOnlyTheTarget()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        Assert.Equal([d.Export], Probes(state.Start()));
        var done = state.OnProbed(d.Export, R("final"));
        Assert.Equal(R("final"), Assert.IsType<BuildSucceededAction>(done[^1]).Target);
        Assert.True(state.IsFinished && state.Succeeded);
        Assert.Empty(Probes(done));
    }

    [Fact]
    public void FullyCachedBuildReportsEveryVertexCachedInputsFirstTargetLast()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        var done = state.OnProbed(d.Export, R("final"));
        Assert.Equal([d.Image, d.Left, d.Right, d.Merge, d.Export], Reports(done));
        Assert.IsType<BuildSucceededAction>(done[^1]);
        Assert.Equal(VertexStatus.Cached, state.StatusOf(d.Left));
        Assert.True(state.IsCovered(d.Left));
        Assert.Null(state.ResultOf(d.Left));
        Assert.False(state.IsCovered(d.Export));
        Assert.Equal(R("final"), state.ResultOf(d.Export));
    }

    [Fact]
    public void WhatACachedVertexCoversIsReportedWithItAndWhatRunsIsNot()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        Assert.Empty(Reports(state.OnProbed(d.Export, null)));
        var merged = state.OnProbed(d.Merge, R("merge"));
        Assert.Equal([d.Image, d.Left, d.Right, d.Merge], Reports(merged));
        Assert.Equal([d.Export], Runs(merged));
        Assert.IsType<ReportCachedAction>(merged[0]);
        // late lookups of covered vertices change nothing and are not reported twice
        Assert.Empty(state.OnProbed(d.Left, R("left")));
        Assert.Empty(state.OnProbed(d.Image, null));
        var done = state.OnCompleted(d.Export, R("final"));
        Assert.Empty(Reports(done));
        Assert.IsType<BuildSucceededAction>(Assert.Single(done));
    }

    [Fact]
    public void AVertexStillNeededByAnotherReaderIsNotCovered()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        state.OnProbed(d.Export, null);
        state.OnProbed(d.Merge, null);
        Assert.Equal([d.Left], Reports(state.OnProbed(d.Left, R("left"))));
        Assert.Empty(state.OnProbed(d.Right, null));
        Assert.Equal(VertexStatus.Probing, state.StatusOf(d.Image));
        var image = state.OnProbed(d.Image, R("image"));
        Assert.Equal([d.Image], Reports(image));
        Assert.Equal([d.Right], Runs(image));
        Assert.Empty(Reports(state.OnCompleted(d.Right, R("right"))));
    }

    [Fact]
    public void NothingIsReportedCachedWithoutTheCache()
    {
        var d = MakeDiamond(ignoreCache: true);
        var state = new BuildState(d.Graph);
        var all = new List<SchedulerAction>(state.Start());
        all.AddRange(state.OnCompleted(d.Image, R("i")));
        all.AddRange(state.OnCompleted(d.Left, R("l")));
        all.AddRange(state.OnCompleted(d.Right, R("r")));
        all.AddRange(state.OnCompleted(d.Merge, R("m")));
        all.AddRange(state.OnCompleted(d.Export, R("e")));
        Assert.Empty(Reports(all));
    }

    [Fact]
    public void MissLooksUpEverythingElseAtOnceAndRunsInputsFirst()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        var afterMiss = state.OnProbed(d.Export, null);
        Assert.Equal(new[] { d.Image, d.Left, d.Right, d.Merge }.Select(x => x.Value).Order(), Probes(afterMiss).Select(x => x.Value).Order());
        Assert.Empty(Runs(afterMiss));

        Assert.Empty(state.OnProbed(d.Merge, null));
        Assert.Empty(state.OnProbed(d.Left, null));
        Assert.Empty(state.OnProbed(d.Right, null));

        // image is a hit: both branches are ready at once
        Assert.Equal(new[] { d.Left, d.Right }.Select(x => x.Value).Order(), Runs(state.OnProbed(d.Image, R("image"))).Select(x => x.Value).Order());
        Assert.Equal(VertexStatus.Cached, state.StatusOf(d.Image));
    }

    [Fact]
    public void IndependentVerticesRunConcurrentlyAndDependentsWaitForAllInputs()
    {
        var d = MakeDiamond(ignoreCache: true);
        var state = new BuildState(d.Graph);
        Assert.Equal([d.Image], Runs(state.Start()));
        var branches = state.OnCompleted(d.Image, R("image"));
        Assert.Equal(new[] { d.Left, d.Right }.Select(x => x.Value).Order(), Runs(branches).Select(x => x.Value).Order());
        Assert.Equal(2, state.Running.Count);
        Assert.Empty(state.OnCompleted(d.Left, R("left")));
        Assert.Equal(VertexStatus.Missed, state.StatusOf(d.Merge));
        Assert.Equal([d.Merge], Runs(state.OnCompleted(d.Right, R("right"))));
        Assert.Equal([R("left"), R("right")], state.InputResults(d.Merge));
        Assert.Equal([d.Export], Runs(state.OnCompleted(d.Merge, R("merge"))));
        Assert.IsType<BuildSucceededAction>(Assert.Single(state.OnCompleted(d.Export, R("final"))));
    }

    [Fact]
    public void NoCacheNeverLooksUp()
    {
        var d = MakeDiamond(ignoreCache: true);
        var state = new BuildState(d.Graph);
        var all = new List<SchedulerAction>(state.Start());
        all.AddRange(state.OnCompleted(d.Image, R("i")));
        all.AddRange(state.OnCompleted(d.Left, R("l")));
        all.AddRange(state.OnCompleted(d.Right, R("r")));
        all.AddRange(state.OnCompleted(d.Merge, R("m")));
        all.AddRange(state.OnCompleted(d.Export, R("e")));
        Assert.Empty(Probes(all));
        Assert.Equal(5, Runs(all).Length);
        Assert.True(state.Succeeded);
    }

    [Fact]
    public void CachedVertexInputsAreNotNeeded()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        state.OnProbed(d.Export, null);
        Assert.Equal([d.Export], Runs(state.OnProbed(d.Merge, R("merge"))));
        Assert.Empty(state.OnProbed(d.Left, null));
        Assert.Empty(state.OnProbed(d.Right, null));
        Assert.Empty(state.OnProbed(d.Image, null));
        Assert.False(state.IsNeeded(d.Left));
        Assert.False(state.IsNeeded(d.Image));
        Assert.Equal(VertexStatus.Running, state.StatusOf(d.Export));
    }

    [Fact]
    public void FailureCancelsDependentsAndEndsTheBuild()
    {
        var d = MakeDiamond(ignoreCache: true);
        var state = new BuildState(d.Graph);
        state.Start();
        state.OnCompleted(d.Image, R("image"));
        var failed = state.OnFailed(d.Left, "exit code 2");
        var action = Assert.IsType<BuildFailedAction>(Assert.Single(failed));
        Assert.Equal(d.Left, action.Vertex);
        Assert.Equal("exit code 2", action.Error);
        Assert.Equal(new[] { d.Merge, d.Export }.Select(x => x.Value).Order(), action.Cancelled.Select(x => x.Value).Order());
        Assert.True(state.IsFinished);
        Assert.False(state.Succeeded);
        Assert.Equal(VertexStatus.Cancelled, state.StatusOf(d.Merge));

        // the other branch finishing later starts nothing
        Assert.Empty(state.OnCompleted(d.Right, R("right")));
        Assert.Equal(VertexStatus.Completed, state.StatusOf(d.Right));
    }

    [Fact]
    public void CompletedFromCacheIsMarkedCached()
    {
        var d = MakeDiamond(ignoreCache: true);
        var state = new BuildState(d.Graph);
        state.Start();
        Assert.Equal([d.Image], Reports(state.OnCompleted(d.Image, R("image"), cached: true)));
        Assert.Equal(VertexStatus.Cached, state.StatusOf(d.Image));
    }

    [Fact]
    public void LateAnswersAreIgnored()
    {
        var d = MakeDiamond();
        var state = new BuildState(d.Graph);
        state.Start();
        Assert.Empty(state.OnProbed(d.Left, R("left")));
        state.OnProbed(d.Export, R("final"));
        Assert.Empty(state.OnFailed(d.Export, "late"));
        Assert.True(state.Succeeded);
    }
}
