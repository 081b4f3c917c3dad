using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Xunit;

namespace Img.Engine.Tests.Solver;

/// <summary><see cref="BuildState.OnInputsLost"/>: results gone with the nodes that held them are produced again.</summary>
public class BuildStateLostInputsTests
{
    // image -> a -> b -> export
    private static (BuildGraph Graph, OpDigest Image, OpDigest A, OpDigest B, OpDigest Export) Chain()
    {
        var g = new BuildGraphBuilder();
        var image = g.Add(new SourceOp(SourceKind.Image, "busybox@sha256:1111"), new OpMetadata("FROM busybox"));
        var a = g.Add(new ExecOp(image, ["a"], [], "/", ""), new OpMetadata("RUN a"));
        var b = g.Add(new ExecOp(a, ["b"], [], "/", ""), new OpMetadata("RUN b"));
        var export = g.Add(new ImageConfigOp(b, new ImageConfig()), new OpMetadata("export"));
        return (g.Build(export.Digest), image.Digest, a.Digest, b.Digest, export.Digest);
    }

    private static OpDigest[] Runs(IEnumerable<SchedulerAction> actions) => actions.OfType<RunVertexAction>().Select(r => r.Vertex).ToArray();

    private static OpDigest[] Probes(IEnumerable<SchedulerAction> actions) => actions.OfType<ProbeCacheAction>().Select(r => r.Vertex).ToArray();

    [Fact]
    public void ALostInputRunsAgainThenTheVertexThatNeededIt()
    {
        var c = Chain();
        var state = new BuildState(c.Graph);
        state.Start();
        state.OnProbed(c.Export, null);
        state.OnProbed(c.B, null);
        state.OnProbed(c.A, null);
        Assert.Equal([c.A], Runs(state.OnProbed(c.Image, new CacheResult("img"))));
        Assert.Equal([c.B], Runs(state.OnCompleted(c.A, new CacheResult("a", Location: "n1"))));

        var again = state.OnInputsLost(c.B, [c.A]);

        Assert.Equal([c.A], Runs(again));
        Assert.Equal(VertexStatus.Running, state.StatusOf(c.A));
        Assert.Equal(VertexStatus.Missed, state.StatusOf(c.B));
        Assert.Equal([c.B], Runs(state.OnCompleted(c.A, new CacheResult("a2", Location: "n2"))));
        Assert.Equal(new CacheResult("a2", Location: "n2"), state.InputResults(c.B)[0]);
    }

    [Fact]
    public void AnInputSettledByACacheHitDownstreamIsLookedUpBeforeItsReaderRunsAgain()
    {
        var c = Chain();
        var state = new BuildState(c.Graph);
        state.Start();
        state.OnProbed(c.Export, null);
        // b is a hit: a and the image are never needed, so they are settled without results
        var afterB = state.OnProbed(c.B, new CacheResult("b", Location: "gone"));
        Assert.Equal([c.Export], Runs(afterB));
        Assert.True(state.IsCovered(c.A));

        var again = state.OnInputsLost(c.Export, [c.B]);

        // b must run, so a (covered, no result) is looked up first
        Assert.Contains(c.A, Probes(again));
        Assert.Empty(Runs(again));
        Assert.Equal([c.B], Runs(state.OnProbed(c.A, new CacheResult("a"))));
    }

    [Fact]
    public void AnInputLostTooOftenFailsTheBuild()
    {
        var c = Chain();
        var state = new BuildState(c.Graph);
        state.Start();
        state.OnProbed(c.Export, null);
        state.OnProbed(c.B, null);
        state.OnProbed(c.A, null);
        state.OnProbed(c.Image, new CacheResult("img"));
        IReadOnlyList<SchedulerAction> last = [];
        for (var i = 0; i <= BuildState.MaxLostRuns; i++)
        {
            state.OnCompleted(c.A, new CacheResult("a" + i));
            last = state.OnInputsLost(c.B, [c.A]);
        }
        var failed = Assert.IsType<BuildFailedAction>(Assert.Single(last));
        Assert.Equal(c.B, failed.Vertex);
        Assert.Contains("RUN a", failed.Error);
        Assert.True(state.IsFinished);
    }

    [Fact]
    public void ALossReportedForAVertexNotRunningIsIgnored()
    {
        var c = Chain();
        var state = new BuildState(c.Graph);
        state.Start();
        Assert.Empty(state.OnInputsLost(c.B, [c.A]));
    }
}
