using Akka.Actor;
using Akka.TestKit;
using Img.Messages.Vertices;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Messages.Graphs;

namespace Img.Actors.Tests.Fakes;

/// <summary>What the vertex entity specs share: keys, one encoded vertex, a standalone region.</summary>
internal static class VertexFixtures
{
    /// <summary>The "left" vertex of <see cref="Graphs.Diamond"/>, encoded as builds send it.</summary>
    public static readonly byte[] Left = BuildGraphCodec.EncodeVertex(Graphs.Diamond().Vertices.Single(v => v.Metadata.Description == "left"));

    /// <summary>A cache key named by <paramref name="name"/> (zero-padded to a sha256 digest).</summary>
    public static CacheKey Key(string name) => new("sha256:" + name.PadLeft(64, '0'));

    /// <summary>A standalone region of real vertex entities whose scheduler is a probe (answering as the node would, to the entity).</summary>
    public static (IActorRef Region, TestProbe Worker) LocalRegion(this TestKitBase kit)
    {
        var worker = kit.CreateTestProbe();
        var region = kit.Sys.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(worker), new VertexMessageExtractor()));
        return (region, worker);
    }
}
