using Img.Engine.Graph;
using Akka.Actor;
using Img.Actors.Tests.Fakes;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Events;
using Img.Node.Workers;

namespace Img.Actors.Tests;

/// <summary>The node worker as schedulers and vertex regions of a cluster see it: heartbeats, releases, repeats, drain, lost inputs.</summary>
public sealed class NodeWorkerClusterSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    private static readonly Engine.Graph.BuildGraph Diamond = Graphs.Diamond();

    private static RunVertex Run(string description, params CacheResult[] inputs)
    {
        var vertex = Diamond.Vertices.Single(v => v.Metadata.Description == description);
        return new RunVertex(new CacheKey("key-" + description), BuildGraphCodec.EncodeVertex(vertex), inputs.Length > 0 ? inputs : vertex.Inputs.Select(_ => new CacheResult("in")).ToArray());
    }

    private (IActorRef Worker, Akka.TestKit.TestProbe Region, Akka.TestKit.TestProbe Scheduler) Start(FakeVertexExecutor executor, int slots, INodeServices? services = null)
    {
        var region = CreateTestProbe();
        var scheduler = CreateTestProbe();
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, new NodeWorkerSettings("n1", slots, region, [scheduler], "http://n1"), services));
        var beat = scheduler.ExpectMsg<NodeHeartbeat>();
        Assert.Equal(("n1", slots, "http://n1"), (beat.Node, beat.Slots, beat.BlobEndpoint));
        scheduler.IgnoreMessages<NodeHeartbeat>();
        return (worker, region, scheduler);
    }

    [Fact]
    public void AnswersGoToTheRegionAndTheSlotIsReleasedToTheScheduler()
    {
        var (worker, region, scheduler) = Start(new FakeVertexExecutor(), 1);
        worker.Tell(Run("left"), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        Assert.Equal(new CacheKey("key-left"), region.ExpectMsg<VertexRunCompleted>().Key);
        Assert.Equal(new SlotReleased("n1", new CacheKey("key-left")), scheduler.ExpectMsg<SlotReleased>());
    }

    [Fact]
    public void AKeyAlreadyRunningIsNotStartedTwice()
    {
        var executor = new FakeVertexExecutor();
        executor.Hold("left");
        var (worker, region, scheduler) = Start(executor, 2);
        worker.Tell(Run("left"), scheduler);
        worker.Tell(Run("left"), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        executor.Release("left");
        region.ExpectMsg<VertexRunCompleted>();
        Assert.Equal(1, executor.Calls);
    }

    [Fact]
    public void AKeyFinishedRecentlyIsAnsweredFromMemory()
    {
        var executor = new FakeVertexExecutor();
        var (worker, region, scheduler) = Start(executor, 1);
        worker.Tell(Run("left"), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        var first = region.ExpectMsg<VertexRunCompleted>();
        scheduler.ExpectMsg<SlotReleased>();
        worker.Tell(Run("left"), scheduler);
        Assert.Equal(first, region.ExpectMsg<VertexRunCompleted>());
        scheduler.ExpectMsg<SlotReleased>();
        Assert.Equal(1, executor.Calls);
    }

    [Fact]
    public void DrainingHandsBackWhatWaitsAndAnswersWhenTheRunningAreDone()
    {
        var executor = new FakeVertexExecutor();
        executor.Hold("left");
        var (worker, region, scheduler) = Start(executor, 1);
        worker.Tell(Run("left"), scheduler);
        worker.Tell(Run("right"), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        worker.Tell(DrainNode.Instance, TestActor);
        var handedBack = region.ExpectMsg<VertexRunFailed>();
        Assert.True(handedBack.Retryable);
        Assert.Equal(new CacheKey("key-right"), handedBack.Key);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        // new work is handed back at once
        worker.Tell(Run("merge"), scheduler);
        Assert.True(region.ExpectMsg<VertexRunFailed>().Retryable);
        executor.Release("left");
        region.ExpectMsg<VertexRunCompleted>();
        ExpectMsg<NodeDrained>();
    }

    [Fact]
    public void InputsThatCannotBeFetchedFailTheRunWithTheirPositions()
    {
        var services = new LosingServices([1]);
        var (worker, region, scheduler) = Start(new FakeVertexExecutor(), 1, services);
        worker.Tell(Run("merge", new CacheResult("a", Location: "n2"), new CacheResult("b", Location: "gone")), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        var failed = region.ExpectMsg<VertexRunFailed>();
        Assert.Equal([1], failed.LostInputs);
        Assert.False(failed.Retryable);
    }

    [Fact]
    public void ResultsAreLocatedOnTheNode()
    {
        var (worker, region, scheduler) = Start(new FakeVertexExecutor(), 1, new LosingServices([]));
        worker.Tell(Run("left"), scheduler);
        region.ExpectMsg<VertexExecutionStarted>();
        Assert.Equal("n1", region.ExpectMsg<VertexRunCompleted>().Result.Location);
    }

    /// <summary>A cluster node's services whose input fetches fail for the given positions.</summary>
    private sealed class LosingServices(IReadOnlyList<int> lost) : INodeServices
    {
        public Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, BuildVertex vertex, CancellationToken cancellationToken) =>
            lost.Count > 0 ? throw new InputsLostException(lost, "gone") : Task.FromResult(run.Inputs);

        public IBuildSession? SessionFor(RunVertex run) => null;

        public Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> PushAsync(PushImage push, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<byte[]>> PublishCacheAsync(PublishCache request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public (long Blobs, long Snapshots) Usage => (0, 0);

        public string Location => "n1";
    }
}
