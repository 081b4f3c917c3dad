using Akka.Actor;
using Img.Actors.Tests.Fakes;
using static Img.Actors.Tests.Fakes.VertexFixtures;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

/// <summary><c>ForgetVertex</c> on the vertex entity (in-memory journal; the SQLite journal is covered by <see cref="BuildCacheActorSpecs"/>).</summary>
public sealed class VertexEntityForgetSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{

    private void Record(IActorRef region, Akka.TestKit.TestProbe worker, CacheKey key, string snapshot)
    {
        region.Tell(new SolveVertex(key, Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(key, new CacheResult(snapshot), 1));
        Assert.False(ExpectMsg<VertexSolved>().Cached);
    }

    [Fact]
    public void AForgottenRecordIsAMissAndTheNextSolveRunsAndRecordsAgain()
    {
        var (region, worker) = this.LocalRegion();
        Record(region, worker, Key("a"), "snap-old");

        region.Tell(new ForgetVertex(Key("a")));
        Assert.Equal(new VertexForgotten(Key("a"), true, ""), ExpectMsg<VertexForgotten>());
        region.Tell(new LookupVertex(Key("a")));
        Assert.Null(ExpectMsg<LookupVertexResult>().Result);

        region.Tell(new SolveVertex(Key("a"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(Key("a"), new CacheResult("snap-new"), 1));
        var solved = ExpectMsg<VertexSolved>();
        Assert.False(solved.Cached);
        Assert.Equal(new CacheResult("snap-new"), solved.Result);
    }

    [Fact]
    public void TheDeleteReachesTheJournal()
    {
        var (region, worker) = this.LocalRegion();
        Record(region, worker, Key("b"), "snap-b");
        region.Tell(new ForgetVertex(Key("b")));
        ExpectMsg<VertexForgotten>();

        // a fresh entity for the same key recovers from the journal: nothing is left to recover
        var (other, _) = this.LocalRegion();
        other.Tell(new LookupVertex(Key("b")));
        Assert.Null(ExpectMsg<LookupVertexResult>().Result);
    }

    [Fact]
    public void AnUnknownKeyIsForgottenAtOnce()
    {
        var (region, _) = this.LocalRegion();
        region.Tell(new ForgetVertex(Key("c")));
        Assert.Equal(new VertexForgotten(Key("c"), true, ""), ExpectMsg<VertexForgotten>());
    }

    [Fact]
    public void ARunningVertexIsNotForgotten()
    {
        var (region, worker) = this.LocalRegion();
        var build = CreateTestProbe();
        region.Tell(new SolveVertex(Key("d"), Left, [], false), build);
        worker.ExpectMsg<ScheduleVertex>();
        var entity = worker.LastSender;

        region.Tell(new ForgetVertex(Key("d")));
        var answer = ExpectMsg<VertexForgotten>();
        Assert.False(answer.Forgotten);
        Assert.Contains("running", answer.Error);

        entity.Tell(new VertexRunCompleted(Key("d"), new CacheResult("snap-d"), 1), worker);
        Assert.Equal(new CacheResult("snap-d"), build.ExpectMsg<VertexSolved>().Result);
        region.Tell(new LookupVertex(Key("d")));
        Assert.Equal(new CacheResult("snap-d"), ExpectMsg<LookupVertexResult>().Result);
    }
}
