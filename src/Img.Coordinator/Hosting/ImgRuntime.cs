using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Cluster.Sharding;
using Akka.Routing;
using Img.Coordinator.Builds;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Builds.Commands;
using Img.Node.Workers;

namespace Img.Coordinator.Hosting;

/// <summary>
/// A running img actor system and the actors a client talks to. <see cref="StartStandaloneAsync"/>
/// is what <c>img build</c> uses: the builds entry actor, vertex entities behind the local
/// region, and a node worker, all in this process. <see cref="StartCoordinator"/> is the cluster
/// wiring: the same actors, with vertex entities in a shard region and node workers reached
/// through a cluster router.
/// </summary>
public sealed class ImgRuntime : IAsyncDisposable
{
    private ImgRuntime(ActorSystem system, IActorRef builds, IActorRef vertices, IActorRef workers)
    {
        System = system;
        Builds = builds;
        Vertices = vertices;
        Workers = workers;
    }

    public ActorSystem System { get; }

    /// <summary><see cref="BuildsActor"/>: send it <see cref="StartBuild"/> (see <see cref="BuildClient"/>).</summary>
    public IActorRef Builds { get; }

    /// <summary>The vertex entities' region (local or sharded).</summary>
    public IActorRef Vertices { get; }

    /// <summary>The node workers (a local worker, or a cluster router to every node's worker).</summary>
    public IActorRef Workers { get; }

    /// <summary>Everything in one process, cache in <c>&lt;state&gt;/cache/cache.db</c>.</summary>
    public static async Task<ImgRuntime> StartStandaloneAsync(
        StateDirectory state,
        IVertexExecutor executor,
        Func<StartBuild, IContentChecksumProvider> checksums,
        int slots,
        ImgActorSystemOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var system = await ImgActorSystem.CreateAsync(ImgMode.Standalone, state, options, cancellationToken).ConfigureAwait(false);
        return StartStandalone(system, executor, checksums, slots);
    }

    /// <summary>
    /// The standalone actors on a system <see cref="ImgActorSystem.CreateAsync"/> made in
    /// <see cref="ImgMode.Standalone"/>; lets a caller start the system before its executor exists.
    /// </summary>
    public static ImgRuntime StartStandalone(ActorSystem system, IVertexExecutor executor, Func<StartBuild, IContentChecksumProvider> checksums, int slots, IResultAvailability? availability = null)
    {
        var workers = system.ActorOf(NodeWorkerActor.Props(executor, slots), NodeWorkerActor.Name);
        var vertices = system.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(workers), new VertexMessageExtractor()), VertexMessageExtractor.TypeName);
        var builds = system.ActorOf(BuildsActor.Props(vertices, checksums, availability), BuildsActor.Name);
        return new ImgRuntime(system, builds, vertices, workers);
    }

    /// <summary>
    /// The coordinator role of a cluster member created by <see cref="ImgActorSystem.CreateAsync"/>:
    /// the vertex shard region and the builds actor; vertices run on members with the
    /// <c>node</c> role (this one too, if it has it).
    /// </summary>
    public static ImgRuntime StartCoordinator(ActorSystem system, Func<StartBuild, IContentChecksumProvider> checksums)
    {
        var workers = system.ActorOf(
            new ClusterRouterGroup(
                new RoundRobinGroup(["/user/" + NodeWorkerActor.Name]),
                new ClusterRouterGroupSettings(10_000, ["/user/" + NodeWorkerActor.Name], allowLocalRoutees: true, useRole: "node")).Props(),
            "node-workers");
        var vertices = ClusterSharding.Get(system).Start(
            VertexMessageExtractor.TypeName,
            VertexEntityActor.Props(workers),
            ClusterShardingSettings.Create(system),
            new VertexMessageExtractor());
        var builds = system.ActorOf(BuildsActor.Props(vertices, checksums), BuildsActor.Name);
        return new ImgRuntime(system, builds, vertices, workers);
    }

    /// <summary>The node role: a worker at <c>/user/node-worker</c> that coordinators route to.</summary>
    public static IActorRef StartNode(ActorSystem system, IVertexExecutor executor, int slots, string node) =>
        system.ActorOf(NodeWorkerActor.Props(executor, slots, node), NodeWorkerActor.Name);

    public async ValueTask DisposeAsync() => await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
}
