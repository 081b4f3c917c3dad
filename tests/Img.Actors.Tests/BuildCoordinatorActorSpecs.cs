using Akka.Actor;
using Akka.TestKit;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Builds;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

/// <summary>The coordinator against a stand-in vertex region (a probe) that answers by hand.</summary>
public class BuildCoordinatorActorSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    private static readonly BuildId Id = new("b1");

    private (IActorRef Coordinator, TestProbe Vertices, TestProbe Requester) Start(BuildGraph graph)
    {
        var vertices = CreateTestProbe();
        var requester = CreateTestProbe();
        var coordinator = Sys.ActorOf(BuildCoordinatorActor.Props(Id, graph, requester, vertices, FakeChecksums.Instance));
        Assert.Equal(graph.Vertices.Count, requester.ExpectMsg<BuildStarted>().VertexCount);
        return (coordinator, vertices, requester);
    }

    private static string NameOf(SolveVertex solve) => BuildGraphCodec.DecodeVertex(solve.Vertex).Metadata.Description;

    private static SolveVertex ExpectSolve(TestProbe vertices, string name)
    {
        var solve = vertices.ExpectMsg<SolveVertex>();
        Assert.Equal(name, NameOf(solve));
        return solve;
    }

    private static CacheKey KeyOf(BuildGraph graph, string name)
    {
        var keys = CacheKeyCalculator.ComputeAsync(graph, FakeChecksums.Instance, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return keys[graph.Vertices.Single(v => v.Metadata.Description == name).Digest];
    }

    private static void Complete(IActorRef coordinator, TestProbe vertices, SolveVertex solve) =>
        vertices.Send(coordinator, new VertexSolved(solve.Key, FakeVertexExecutor.ResultFor(NameOf(solve)), false, 5));

    [Fact]
    public void AFullyCachedBuildAsksOnlyForTheTarget()
    {
        var (_, vertices, requester) = Start(Graphs.Diamond());
        var lookup = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(lookup.Key, new CacheResult("final")));
        // every vertex of the graph is shown CACHED, like BuildKit's progress, inputs first and the target last
        var cached = Enumerable.Range(0, 5).Select(_ => requester.ExpectMsg<VertexCached>().Description).ToArray();
        Assert.Equal("image", cached[0]);
        Assert.Equal(["left", "right"], cached[1..3].Order());
        Assert.Equal(["merge", "export"], cached[3..]);
        Assert.Equal(new CacheResult("final"), requester.ExpectMsg<BuildCompleted>().Target);
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void VerticesCoveredByACachedReaderAreShownCachedAndWhatRunsIsNot()
    {
        var (coordinator, vertices, requester) = Start(Graphs.Diamond());
        var target = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(target.Key, null));
        var lookups = Enumerable.Range(0, 4).Select(_ => vertices.ExpectMsg<LookupVertex>()).ToArray();
        // the merge is cached: image, left and right never need to run or even be answered
        var merge = lookups.Single(l => l.Key == KeyOf(Graphs.Diamond(), "merge"));
        vertices.Send(coordinator, new LookupVertexResult(merge.Key, new CacheResult("m")));
        var export = ExpectSolve(vertices, "export");
        Assert.Equal([new CacheResult("m")], export.Inputs);
        var cached = Enumerable.Range(0, 4).Select(_ => requester.ExpectMsg<VertexCached>().Description).ToArray();
        Assert.Equal("image", cached[0]);
        Assert.Equal("merge", cached[3]);
        Complete(coordinator, vertices, export);
        foreach (var lookup in lookups.Where(l => l != merge))
            vertices.Send(coordinator, new LookupVertexResult(lookup.Key, null));
        Assert.Equal("export", requester.FishForMessage<VertexCompleted>(_ => true).Description);
        requester.ExpectMsg<BuildCompleted>();
    }

    [Fact]
    public void RunsADiamondInputsFirstWithBothBranchesInFlight()
    {
        var (coordinator, vertices, requester) = Start(Graphs.Diamond(ignoreCache: true));
        Watch(coordinator);

        var image = ExpectSolve(vertices, "image");
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Complete(coordinator, vertices, image);

        var first = vertices.ExpectMsg<SolveVertex>();
        var second = vertices.ExpectMsg<SolveVertex>();
        Assert.Equal(["left", "right"], new[] { NameOf(first), NameOf(second) }.Order());
        Assert.Equal([FakeVertexExecutor.ResultFor("image")], first.Inputs);
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        vertices.Send(coordinator, new VertexSolved(first.Key, FakeVertexExecutor.ResultFor(NameOf(first)), false, 5));
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Complete(coordinator, vertices, second);

        var merge = ExpectSolve(vertices, "merge");
        Assert.Equal([FakeVertexExecutor.ResultFor("left"), FakeVertexExecutor.ResultFor("right")], merge.Inputs);
        Complete(coordinator, vertices, merge);
        Complete(coordinator, vertices, ExpectSolve(vertices, "export"));

        var completed = new List<string>();
        requester.FishForMessage(m =>
        {
            if (m is VertexCompleted c) completed.Add(c.Description);
            return m is BuildCompleted;
        });
        Assert.Equal("image", completed[0]);
        Assert.Equal(["left", "right"], completed.Skip(1).Take(2).Order());
        Assert.Equal(["merge", "export"], completed.Skip(3));
        ExpectTerminated(coordinator);
    }

    [Fact]
    public void AMissLooksUpTheRestAtOnceAndRunsOnlyWhatIsNeeded()
    {
        var (coordinator, vertices, requester) = Start(Graphs.Diamond());
        var target = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(target.Key, null));
        var lookups = new[] { vertices.ExpectMsg<LookupVertex>(), vertices.ExpectMsg<LookupVertex>(), vertices.ExpectMsg<LookupVertex>(), vertices.ExpectMsg<LookupVertex>() };
                // everything but the export is cached: only the export runs
        foreach (var lookup in lookups)
            vertices.Send(coordinator, new LookupVertexResult(lookup.Key, new CacheResult("cached-" + lookup.Key.Short)));
        var export = ExpectSolve(vertices, "export");
        Complete(coordinator, vertices, export);
        var cached = new List<string>();
        requester.FishForMessage(m =>
        {
            if (m is VertexCached c) cached.Add(c.Description);
            return m is BuildCompleted;
        });
        Assert.Equal(4, cached.Count);
    }

    [Fact]
    public void AFailureFailsTheBuildAndDependentsNeverRun()
    {
        var (coordinator, vertices, requester) = Start(Graphs.Diamond(ignoreCache: true));
        Watch(coordinator);
        Complete(coordinator, vertices, ExpectSolve(vertices, "image"));
        var a = vertices.ExpectMsg<SolveVertex>();
        var b = vertices.ExpectMsg<SolveVertex>();
        var left = NameOf(a) == "left" ? a : b;
        var right = NameOf(a) == "left" ? b : a;

        vertices.Reply(new VertexSolveFailed(left.Key, "process \"left\" exited with code 2", 7));
        var failed = requester.FishForMessage<VertexFailed>(_ => true);
        Assert.Equal("left", failed.Description);
        var outcome = requester.ExpectMsg<BuildFailed>();
        Assert.Equal("process \"left\" exited with code 2", outcome.Error);
        Assert.Equal(failed.Vertex, outcome.Vertex);
        ExpectTerminated(coordinator);

        // the other branch finishing later changes nothing
        vertices.Send(coordinator, new VertexSolved(right.Key, new CacheResult("r"), false, 1));
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ForwardsStartsAndOutputLinesAsProgress()
    {
        var (_, vertices, requester) = Start(Graphs.Diamond(ignoreCache: true));
        var image = ExpectSolve(vertices, "image");
        vertices.Reply(new VertexExecutionStarted(image.Key, "n1"));
        vertices.Reply(new VertexOutput(image.Key, VertexLogStream.Stdout, "pulling"));
        Assert.Equal("image", requester.ExpectMsg<VertexStarted>().Description);
        var log = requester.ExpectMsg<VertexLog>();
        Assert.Equal(("pulling", VertexLogStream.Stdout), (log.Line, log.Stream));
    }

    [Fact]
    public void CancelEndsTheBuild()
    {
        var (coordinator, vertices, requester) = Start(Graphs.Diamond(ignoreCache: true));
        Watch(coordinator);
        ExpectSolve(vertices, "image");
        coordinator.Tell(new CancelBuild(Id));
        Assert.Equal("cancelled", requester.ExpectMsg<BuildFailed>().Error);
        ExpectTerminated(coordinator);
    }

    [Fact]
    public void A_COPY_source_missing_from_the_context_fails_that_step_before_anything_runs()
    {
        var b = new BuildGraphBuilder();
        var image = b.Add(new SourceOp(SourceKind.Image, "docker.io/library/busybox:latest@sha256:" + new string('1', 64)), new OpMetadata("[1/2] FROM busybox"));
        var context = b.Add(new SourceOp(SourceKind.Local, "context"), OpMetadata.Internal("[internal] load build context"));
        var copy = b.Add(new FileOp(image, [new FileCopyAction(context, "missing.txt", "/x")]), new OpMetadata("[2/2] COPY missing.txt /x", "", false, 2));
        var export = b.Add(new ImageConfigOp(copy, new Img.Engine.Oci.ImageConfig()), OpMetadata.Internal("exporting to image"));
        var graph = b.Build(export.Digest);
        var vertices = CreateTestProbe();
        var requester = CreateTestProbe();
        Sys.ActorOf(BuildCoordinatorActor.Props(Id, graph, requester, vertices, new MissingPathChecksums("missing.txt")));

        var started = requester.ExpectMsg<VertexStarted>();
        Assert.Equal((copy.Digest, "[2/2] COPY missing.txt /x"), (started.Vertex, started.Description));
        var failed = requester.ExpectMsg<VertexFailed>();
        Assert.Equal(copy.Digest, failed.Vertex);
        const string error = "failed to compute cache key: \"/missing.txt\": not found";
        Assert.Equal(error, failed.Error);
        var outcome = requester.ExpectMsg<BuildFailed>();
        Assert.Equal((copy.Digest, error), (outcome.Vertex, outcome.Error));
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Checksums of a context that lacks one path, failing as the real context does.</summary>
    private sealed class MissingPathChecksums(string missing) : IContentChecksumProvider
    {
        public ValueTask<Img.Engine.Content.Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
            selection.Path == missing
                ? throw new Img.Engine.Context.ContextPathNotFoundException(missing)
                : FakeChecksums.Instance.ChecksumAsync(source, selection, cancellationToken);
    }
}
