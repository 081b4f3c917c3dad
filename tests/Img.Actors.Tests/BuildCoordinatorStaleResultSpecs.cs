using Akka.Actor;
using Akka.TestKit;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Builds;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

/// <summary>A cache hit whose snapshot is gone (pruned, lost) is a miss that runs again, with IgnoreCache so the entity records anew.</summary>
public sealed class BuildCoordinatorStaleResultSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    /// <summary>Results whose snapshot id is listed are unavailable.</summary>
    private sealed class Missing(params string[] snapshots) : IResultAvailability
    {
        public bool IsAvailable(CacheResult result) => !snapshots.Contains(result.SnapshotId);
    }

    private static string NameOf(SolveVertex solve) => BuildGraphCodec.DecodeVertex(solve.Vertex).Metadata.Description;

    private (IActorRef Coordinator, TestProbe Vertices, TestProbe Requester, IReadOnlyDictionary<OpDigest, CacheKey> Keys, BuildGraph Graph) Start(IResultAvailability availability)
    {
        var graph = Graphs.Diamond();
        var keys = CacheKeyCalculator.ComputeAsync(graph, FakeChecksums.Instance, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var vertices = CreateTestProbe();
        var requester = CreateTestProbe();
        var coordinator = Sys.ActorOf(BuildCoordinatorActor.Props(new BuildId("b1"), graph, requester, vertices, FakeChecksums.Instance, availability));
        requester.ExpectMsg<BuildStarted>();
        return (coordinator, vertices, requester, keys, graph);
    }

    private static CacheKey KeyOf(BuildGraph graph, IReadOnlyDictionary<OpDigest, CacheKey> keys, string name) =>
        keys[graph.Vertices.Single(v => v.Metadata.Description == name).Digest];

    [Fact]
    public void AStaleTargetIsRunAgainWithIgnoreCacheWhileAvailableInputsStayCached()
    {
        var (_, vertices, requester, keys, graph) = Start(new Missing("snap-export"));
        var lookup = vertices.ExpectMsg<LookupVertex>();
        Assert.Equal(KeyOf(graph, keys, "export"), lookup.Key);
        vertices.Reply(new LookupVertexResult(lookup.Key, new CacheResult("snap-export")));

        // the target's record is stale: the build probes below it; every other key is a good hit
        var names = keys.ToDictionary(kv => kv.Value, kv => graph[kv.Key].Metadata.Description);
        SolveVertex? solve = null;
        while (solve is null)
        {
            switch (vertices.ReceiveOne(Dilated(TimeSpan.FromSeconds(3))))
            {
                case LookupVertex probe:
                    Assert.NotEqual(lookup.Key, probe.Key);
                    vertices.Reply(new LookupVertexResult(probe.Key, new CacheResult("snap-" + names[probe.Key])));
                    break;
                case SolveVertex s:
                    solve = s;
                    break;
                case var other:
                    Assert.Fail($"unexpected {other}");
                    break;
            }
        }
        Assert.Equal("export", NameOf(solve));
        Assert.True(solve.IgnoreCache);
        Assert.Equal([new CacheResult("snap-merge")], solve.Inputs);
        vertices.Reply(new VertexSolved(solve.Key, new CacheResult("snap-export-2"), false, 1));
        Assert.Equal(new CacheResult("snap-export-2"), requester.FishForMessage<BuildCompleted>(_ => true).Target);
    }

    [Fact]
    public void AnAvailableHitIsUsedAsItIs()
    {
        var (_, vertices, requester, _, _) = Start(new Missing("something-else"));
        var lookup = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(lookup.Key, new CacheResult("snap-export")));
        Assert.Equal(new CacheResult("snap-export"), requester.FishForMessage<BuildCompleted>(_ => true).Target);
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
