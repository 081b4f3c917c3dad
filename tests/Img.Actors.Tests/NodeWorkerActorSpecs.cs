using Akka.Actor;
using Img.Actors.Tests.Fakes;
using Img.Engine.Solver;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Nodes.Queries;
using Img.Messages.Vertices.Events;
using Img.Node.Workers;
using Img.Messages.Scheduling.Commands;

namespace Img.Actors.Tests;

public class NodeWorkerActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    public NodeWorkerActorSpecs()
        : base(TestConfig.InMemory)
    {
        // the test actor stands for the vertex region; slot releases are checked on their own
        IgnoreMessages<SlotReleased>();
    }

    /// <summary>Answers go to the test actor, as the vertex region; no scheduler hears heartbeats.</summary>
    private NodeWorkerSettings Settings(int slots, string node = "local") => new(node, slots, TestActor, []);

    private static readonly Engine.Graph.BuildGraph Diamond = Graphs.Diamond();

    private static RunVertex Run(string description)
    {
        var vertex = Diamond.Vertices.Single(v => v.Metadata.Description == description);
        return new RunVertex(new CacheKey("key-" + description), BuildGraphCodec.EncodeVertex(vertex), []);
    }

    [Fact]
    public void RunsAVertexAndReportsItsResult()
    {
        var executor = new FakeVertexExecutor();
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, Settings(2, "n1")));
        worker.Tell(Run("left"));
        Assert.Equal(new VertexExecutionStarted(new CacheKey("key-left"), "n1"), ExpectMsg<VertexExecutionStarted>());
        var done = ExpectMsg<VertexRunCompleted>();
        Assert.Equal(new CacheKey("key-left"), done.Key);
        Assert.Equal(FakeVertexExecutor.ResultFor("left"), done.Result);
    }

    [Fact]
    public void ForwardsOutputLines()
    {
        var executor = new FakeVertexExecutor();
        executor.Output("left", "compiling", "done");
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, Settings(1)));
        worker.Tell(Run("left"));
        ExpectMsg<VertexExecutionStarted>();
        Assert.Equal("compiling", ExpectMsg<VertexOutput>().Line);
        Assert.Equal(new VertexOutput(new CacheKey("key-left"), VertexLogStream.Stdout, "done"), ExpectMsg<VertexOutput>());
        ExpectMsg<VertexRunCompleted>();
    }

    [Fact]
    public void ReportsFailures()
    {
        var executor = new FakeVertexExecutor();
        executor.Fail("right", "process exited with code 2");
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, Settings(1)));
        worker.Tell(Run("right"));
        ExpectMsg<VertexExecutionStarted>();
        var failed = ExpectMsg<VertexRunFailed>();
        Assert.Equal("process exited with code 2", failed.Error);
    }

    [Fact]
    public void UndecodableVertexFailsWithoutCrashingTheWorker()
    {
        var worker = Sys.ActorOf(NodeWorkerActor.Props(new FakeVertexExecutor(), Settings(1)));
        worker.Tell(new RunVertex(new CacheKey("k"), [1, 2, 3], []));
        ExpectMsg<VertexExecutionStarted>();
        Assert.Contains("malformed", ExpectMsg<VertexRunFailed>().Error);
        worker.Tell(Run("left"));
        ExpectMsg<VertexExecutionStarted>();
        ExpectMsg<VertexRunCompleted>();
    }

    [Fact]
    public void RespectsItsSlotsAndQueuesTheRest()
    {
        var executor = new FakeVertexExecutor();
        executor.Hold("left");
        executor.Hold("right");
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, Settings(1, "n1")));
        worker.Tell(Run("left"));
        worker.Tell(Run("right"));
        Assert.Equal(new CacheKey("key-left"), ExpectMsg<VertexExecutionStarted>().Key);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        worker.Tell(GetNodeStatus.Instance);
        Assert.Equal(new NodeStatusResult("n1", 1, 1, 1), ExpectMsg<NodeStatusResult>());

        executor.Release("left");
        Assert.Equal(new CacheKey("key-left"), ExpectMsg<VertexRunCompleted>().Key);
        Assert.Equal(new CacheKey("key-right"), ExpectMsg<VertexExecutionStarted>().Key);
        executor.Release("right");
        Assert.Equal(new CacheKey("key-right"), ExpectMsg<VertexRunCompleted>().Key);
    }

    [Fact]
    public void RunsUpToItsSlotsAtOnce()
    {
        var executor = new FakeVertexExecutor();
        executor.Hold("left");
        executor.Hold("right");
        var worker = Sys.ActorOf(NodeWorkerActor.Props(executor, Settings(2)));
        worker.Tell(Run("left"));
        worker.Tell(Run("right"));
        ExpectMsg<VertexExecutionStarted>();
        ExpectMsg<VertexExecutionStarted>();
        worker.Tell(GetNodeStatus.Instance);
        Assert.Equal(2, ExpectMsg<NodeStatusResult>().Busy);
        executor.Release("right");
        Assert.Equal(new CacheKey("key-right"), ExpectMsg<VertexRunCompleted>().Key);
        executor.Release("left");
        Assert.Equal(new CacheKey("key-left"), ExpectMsg<VertexRunCompleted>().Key);
    }
}
