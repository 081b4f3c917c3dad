using Akka.Actor;
using Akka.Cluster.Sharding;
using Img.Messages.Vertices;
using Img.Coordinator.Builds;
using Img.Coordinator.Cache;
using Img.Coordinator.Scheduling;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Messages.Builds.Commands;

namespace Img.Coordinator.Hosting;

/// <summary>
/// The coordinator's actors on a running actor system: the scheduler, the vertex entities (behind
/// the local region in one process, a shard region in a cluster), the builds entry actor and the
/// build cache actor. Node workers are not part of it: they register with the scheduler by
/// heartbeat, from this process (standalone) or from node members.
/// </summary>
public sealed class CoordinatorRuntime
{
    private CoordinatorRuntime(ActorSystem system, IActorRef builds, IActorRef vertices, IActorRef scheduler, IActorRef cache, NodeDirectory nodes)
    {
        System = system;
        Builds = builds;
        Vertices = vertices;
        Scheduler = scheduler;
        Cache = cache;
        Nodes = nodes;
    }

    public ActorSystem System { get; }

    /// <summary><see cref="BuildsActor"/>: send it <see cref="StartBuild"/> (see <see cref="BuildClient"/>).</summary>
    public IActorRef Builds { get; }

    /// <summary>The vertex entities' region (local or sharded); node workers answer through it.</summary>
    public IActorRef Vertices { get; }

    /// <summary><see cref="SchedulerActor"/>, where node workers send heartbeats.</summary>
    public IActorRef Scheduler { get; }

    /// <summary><see cref="BuildCacheActor"/>.</summary>
    public IActorRef Cache { get; }

    /// <summary>Which nodes hold fetchable results.</summary>
    public NodeDirectory Nodes { get; }

    /// <summary>
    /// One process: the local region and a scheduler for the in-process worker.
    /// <paramref name="availability"/> checks cache hits against this process's snapshots.
    /// </summary>
    public static CoordinatorRuntime StartLocal(ActorSystem system, Func<StartBuild, IContentChecksumProvider> checksums, IResultAvailability? availability = null)
    {
        var nodes = NodeDirectory.Local();
        var scheduler = system.ActorOf(SchedulerActor.Props(nodes, cluster: false), SchedulerActor.Name);
        var vertices = system.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(scheduler), new VertexMessageExtractor()), VertexMessageExtractor.TypeName);
        var builds = system.ActorOf(BuildsActor.Props(vertices, checksums, availability), BuildsActor.Name);
        var cache = system.ActorOf(BuildCacheActor.Props(CachePersistence.ReadJournalId), BuildCacheActor.Name);
        return new CoordinatorRuntime(system, builds, vertices, scheduler, cache, nodes);
    }

    /// <summary>
    /// A cluster member with the <c>coordinator</c> role: vertex entities in a shard region (on
    /// coordinators only), builds whose nodes read the client's files from
    /// <paramref name="blobEndpoint"/> (this coordinator's blob server).
    /// </summary>
    public static CoordinatorRuntime StartCluster(ActorSystem system, Func<StartBuild, IContentChecksumProvider> checksums, string blobEndpoint)
    {
        var nodes = new NodeDirectory();
        var scheduler = system.ActorOf(SchedulerActor.Props(nodes, cluster: true), SchedulerActor.Name);
        var vertices = ClusterSharding.Get(system).Start(
            VertexMessageExtractor.TypeName,
            VertexEntityActor.Props(scheduler),
            ClusterShardingSettings.Create(system).WithRole("coordinator"),
            new VertexMessageExtractor());
        var builds = system.ActorOf(BuildsActor.Props(vertices, checksums, nodes, blobEndpoint, nodes.WhenSettled), BuildsActor.Name);
        var cache = system.ActorOf(BuildCacheActor.Props(CachePersistence.ReadJournalId), BuildCacheActor.Name);
        return new CoordinatorRuntime(system, builds, vertices, scheduler, cache, nodes);
    }
}
