using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
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

/// <summary>
/// What the vertex entities must do behind either region: the local region of one process and a
/// Cluster Sharding shard region. Each subclass supplies its region; the specs are the same.
/// </summary>
public abstract class VertexRegionConformanceSpecs(Config config) : Akka.TestKit.Xunit2.TestKit(config)
{
    /// <summary>A region of real vertex entities whose scheduler is <paramref name="scheduler"/>.</summary>
    protected abstract IActorRef Region(IActorRef scheduler);

    [Fact]
    public void OneKeyRunsOnceForEveryBuildThatAsks()
    {
        var scheduler = CreateTestProbe();
        var region = Region(scheduler);
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        region.Tell(new SolveVertex(Key("c1"), Left, [], false), a);
        region.Tell(new SolveVertex(Key("c1"), Left, [], false), b);
        scheduler.ExpectMsg<ScheduleVertex>(TimeSpan.FromSeconds(10));
        scheduler.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        region.Tell(new VertexRunCompleted(Key("c1"), new CacheResult("snap", Location: "n1"), 3));
        Assert.Equal("snap", a.ExpectMsg<VertexSolved>().Result.SnapshotId);
        Assert.Equal("snap", b.ExpectMsg<VertexSolved>().Result.SnapshotId);
    }

    [Fact]
    public void AnswersFromTheNodeReachTheEntityByKey()
    {
        var scheduler = CreateTestProbe();
        var region = Region(scheduler);
        region.Tell(new SolveVertex(Key("c2"), Left, [], false), TestActor);
        scheduler.ExpectMsg<ScheduleVertex>(TimeSpan.FromSeconds(10));
        region.Tell(new VertexExecutionStarted(Key("c2"), "n7"));
        Assert.Equal("n7", ExpectMsg<VertexExecutionStarted>().Node);
        region.Tell(new VertexRunning(Key("c2"), "n7"));
        ExpectMsg<VertexRunning>();
        region.Tell(new VertexRunCompleted(Key("c2"), new CacheResult("snap2"), 3));
        ExpectMsg<VertexSolved>();
    }

    [Fact]
    public void ARecordedResultAnswersLookupsAndSolves()
    {
        var scheduler = CreateTestProbe();
        var region = Region(scheduler);
        region.Tell(new VertexRunCompleted(Key("c3"), new CacheResult("snap3", Location: "n2"), 3));
        region.Tell(new LookupVertex(Key("c3")));
        Assert.Equal("snap3", ExpectMsg<LookupVertexResult>(TimeSpan.FromSeconds(10)).Result!.SnapshotId);
        region.Tell(new SolveVertex(Key("c3"), Left, [], false));
        Assert.True(ExpectMsg<VertexSolved>().Cached);
        scheduler.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ForgettingARecordMakesTheNextLookupAMiss()
    {
        var scheduler = CreateTestProbe();
        var region = Region(scheduler);
        region.Tell(new VertexRunCompleted(Key("c4"), new CacheResult("snap4"), 3));
        region.Tell(new ForgetVertex(Key("c4")));
        Assert.True(ExpectMsg<VertexForgotten>(TimeSpan.FromSeconds(10)).Forgotten);
        region.Tell(new LookupVertex(Key("c4")));
        Assert.Null(ExpectMsg<LookupVertexResult>().Result);
    }
}

/// <summary>The entities behind <see cref="LocalVertexRegionActor"/> (one process).</summary>
public sealed class LocalVertexRegionConformanceSpecs() : VertexRegionConformanceSpecs(TestConfig.InMemory)
{
    protected override IActorRef Region(IActorRef scheduler) =>
        Sys.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(scheduler), new VertexMessageExtractor()));
}

/// <summary>The entities behind a Cluster Sharding region on a one-member cluster, as coordinators run them.</summary>
public sealed class ShardedVertexRegionConformanceSpecs : VertexRegionConformanceSpecs
{
    private static readonly Config Sharded = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.sharding.state-store-mode = ddata
        akka.cluster.sharding.distributed-data.durable.keys = []
        """).WithFallback(TestConfig.InMemory);

    private int _regions;

    public ShardedVertexRegionConformanceSpecs()
        : base(Sharded)
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(20));
    }

    protected override IActorRef Region(IActorRef scheduler) =>
        // a type name per region: every spec gets entities with its own scheduler probe
        ClusterSharding.Get(Sys).Start("vertex-" + Interlocked.Increment(ref _regions), VertexEntityActor.Props(scheduler),
            ClusterShardingSettings.Create(Sys), new VertexMessageExtractor());
}
