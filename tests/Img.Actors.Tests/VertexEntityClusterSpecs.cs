using Akka.Actor;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Messages.Nodes.Events;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Vertices;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;
using static Img.Actors.Tests.Fakes.VertexFixtures;

namespace Img.Actors.Tests;

/// <summary>A vertex entity when messages cross a cluster: lost answers, nodes that hand work back, inputs that are gone.</summary>
public sealed class VertexEntityClusterSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    private (IActorRef Region, Akka.TestKit.TestProbe Scheduler) Region(TimeSpan? silence = null)
    {
        var scheduler = CreateTestProbe();
        var region = Sys.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(scheduler, silence), new VertexMessageExtractor()));
        return (region, scheduler);
    }

    [Fact]
    public void AnExecutionWithNoNewsIsAskedForAgain()
    {
        var (region, scheduler) = Region(TimeSpan.FromMilliseconds(600));
        region.Tell(new SolveVertex(Key("s1"), Left, [], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>();
        // nothing is heard of it: the entity asks again, the same run
        Assert.Equal(Key("s1"), scheduler.ExpectMsg<ScheduleVertex>(TimeSpan.FromSeconds(5)).Key);
    }

    [Fact]
    public void BeatsFromTheNodeKeepItFromAskingAgainAndReachTheBuilds()
    {
        // a silence limit far above the beats' spacing, even on a loaded machine
        var silence = Dilated(TimeSpan.FromSeconds(2));
        var (region, scheduler) = Region(silence);
        region.Tell(new SolveVertex(Key("s2"), Left, [], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>();
        var until = DateTime.UtcNow + silence * 2;
        while (DateTime.UtcNow < until)
        {
            region.Tell(new VertexRunning(Key("s2"), "n1"));
            ExpectMsg<VertexRunning>();
            Thread.Sleep(100);
        }
        scheduler.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void AResultWithNoExecutionWaitingIsStillRecorded()
    {
        var (region, _) = Region();
        // the entity was restarted while its vertex ran: the node's answer still counts
        region.Tell(new VertexRunCompleted(Key("s3"), new CacheResult("snap", Location: "n1"), 5));
        region.Tell(new LookupVertex(Key("s3")));
        Assert.Equal(new CacheResult("snap", Location: "n1"), ExpectMsg<LookupVertexResult>().Result);
    }

    [Fact]
    public void AHandedBackRunIsScheduledAgainWithoutFailingTheBuild()
    {
        var (region, scheduler) = Region();
        region.Tell(new SolveVertex(Key("s4"), Left, [], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>();
        region.Tell(new VertexRunFailed(Key("s4"), "the node is shutting down", 0, null, Retryable: true));
        scheduler.ExpectMsg<ScheduleVertex>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        region.Tell(new VertexRunCompleted(Key("s4"), new CacheResult("snap"), 5));
        Assert.Equal(new CacheResult("snap"), ExpectMsg<VertexSolved>().Result);
    }

    [Fact]
    public void LostInputsReachTheBuildWithTheirPositions()
    {
        var (region, scheduler) = Region();
        region.Tell(new SolveVertex(Key("s5"), Left, [new CacheResult("x", Location: "gone")], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>();
        scheduler.Reply(new VertexRunFailed(Key("s5"), "held by no node", 0, [0]));
        var failed = ExpectMsg<VertexSolveFailed>();
        Assert.Equal([0], failed.LostInputs);
    }

    [Fact]
    public void ARepeatedSolveFromTheSameBuildIsOneWaiter()
    {
        var (region, scheduler) = Region();
        region.Tell(new SolveVertex(Key("s6"), Left, [], false), TestActor);
        region.Tell(new SolveVertex(Key("s6"), Left, [], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>();
        region.Tell(new VertexRunCompleted(Key("s6"), new CacheResult("snap"), 5));
        ExpectMsg<VertexSolved>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
