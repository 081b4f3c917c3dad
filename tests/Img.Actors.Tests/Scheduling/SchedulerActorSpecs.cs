using Akka.Actor;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Scheduling;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Scheduling.Queries;

namespace Img.Actors.Tests.Scheduling;

/// <summary>The scheduler actor of one process: heartbeats register workers, requests are placed on them, answers free slots.</summary>
public sealed class SchedulerActorSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    private static NodeHeartbeat Beat(string node, int slots) => new(node, "", "http://" + node, slots, 0, 0, 0, false, 0, 0);

    private static RunVertex Run(string key, params CacheResult[] inputs) => new(new CacheKey(key), [], inputs, null, null, "b1");

    [Fact]
    public void AVertexGoesToAWorkerThatReportedAFreeSlot()
    {
        var directory = new NodeDirectory();
        var scheduler = Sys.ActorOf(SchedulerActor.Props(directory, cluster: false));
        var worker = CreateTestProbe();
        scheduler.Tell(Beat("n1", 1), worker);
        scheduler.Tell(new ScheduleVertex(Run("k1")), TestActor);
        Assert.Equal(new CacheKey("k1"), worker.ExpectMsg<RunVertex>().Key);
        // one slot: the next waits until the first is released
        scheduler.Tell(new ScheduleVertex(Run("k2")), TestActor);
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        scheduler.Tell(new SlotReleased("n1", new CacheKey("k1")), worker);
        Assert.Equal(new CacheKey("k2"), worker.ExpectMsg<RunVertex>().Key);
        AwaitCondition(() => directory.IsAvailable("n1"));
        Assert.True(directory.WhenSettled.IsCompleted);
    }

    [Fact]
    public void TheEntityIsToldAtOnceWhenAnInputsHolderIsGone()
    {
        var scheduler = Sys.ActorOf(SchedulerActor.Props(new NodeDirectory(), cluster: false));
        scheduler.Tell(Beat("n1", 1), CreateTestProbe());
        scheduler.Tell(new ScheduleVertex(Run("k3", new CacheResult("snap", Location: "never-seen"))), TestActor);
        var failed = ExpectMsg<VertexRunFailed>();
        Assert.Equal([0], failed.LostInputs);
    }

    [Fact]
    public void StatusListsTheNodesAndTheQueue()
    {
        var scheduler = Sys.ActorOf(SchedulerActor.Props(new NodeDirectory(), cluster: false));
        scheduler.Tell(new ScheduleVertex(Run("k4")), TestActor);
        scheduler.Tell(GetClusterStatus.Instance, TestActor);
        var status = ExpectMsg<ClusterStatusResult>();
        Assert.Equal(1, status.QueuedVertices);
        scheduler.Tell(Beat("n9", 2), CreateTestProbe());
        scheduler.Tell(GetClusterStatus.Instance, TestActor);
        var node = Assert.Single(ExpectMsg<ClusterStatusResult>().Nodes);
        Assert.Equal(("n9", 2, true), (node.Node, node.Slots, node.Available));
    }
}
