using Akka.Actor;
using Img.Coordinator.Hosting;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Builds.Commands;
using Img.Messages.Hosting;
using Img.Node.Workers;

namespace Img.Cli.Hosting;

/// <summary>
/// The cluster collapsed into one process (<c>img build</c> without <c>--cluster</c>): the
/// coordinator's actors (<see cref="CoordinatorRuntime.StartLocal"/>) and one node worker on the
/// same actor system, the cache journal on SQLite under the state directory. The only place that
/// composes a coordinator and a node.
/// </summary>
public sealed class StandaloneRuntime : IAsyncDisposable
{
    private StandaloneRuntime(CoordinatorRuntime coordinator, IActorRef worker)
    {
        Coordinator = coordinator;
        Worker = worker;
    }

    public CoordinatorRuntime Coordinator { get; }

    public IActorRef Worker { get; }

    public ActorSystem System => Coordinator.System;

    public IActorRef Builds => Coordinator.Builds;

    public IActorRef Vertices => Coordinator.Vertices;

    /// <summary>The actor system options of a standalone process on <paramref name="state"/>: the SQLite journal under it.</summary>
    public static ImgActorSystemOptions Options(StateDirectory state, ImgActorSystemOptions? options = null) =>
        (options ?? new ImgActorSystemOptions()) with { RoleConfig = CachePersistence.Config(state) };

    /// <summary>Creates the actor system (the journal warming up in the background), then the actors.</summary>
    public static async Task<StandaloneRuntime> StartAsync(StateDirectory state, IVertexExecutor executor, Func<StartBuild, IContentChecksumProvider> checksums,
        int slots, ImgActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        var system = await CreateSystemAsync(state, options, cancellationToken).ConfigureAwait(false);
        return Start(system, executor, checksums, slots);
    }

    /// <summary>The actor system alone, so a caller can start it before its executor exists.</summary>
    public static async Task<ActorSystem> CreateSystemAsync(StateDirectory state, ImgActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        var system = await ImgActorSystem.CreateAsync(ImgMode.Standalone, Options(state, options), cancellationToken).ConfigureAwait(false);
        CachePersistence.WarmUp(system);
        return system;
    }

    /// <summary>The actors on a system <see cref="CreateSystemAsync"/> made.</summary>
    /// <param name="services">The node's services (cache imports); default: none.</param>
    public static StandaloneRuntime Start(ActorSystem system, IVertexExecutor executor, Func<StartBuild, IContentChecksumProvider> checksums, int slots, IResultAvailability? availability = null,
        INodeServices? services = null)
    {
        var coordinator = CoordinatorRuntime.StartLocal(system, checksums, availability);
        var settings = new NodeWorkerSettings("local", slots, coordinator.Vertices, [coordinator.Scheduler]);
        var worker = system.ActorOf(NodeWorkerActor.Props(executor, settings, services), NodeWorkerActor.Name);
        return new StandaloneRuntime(coordinator, worker);
    }

    public async ValueTask DisposeAsync() => await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
}
