using Akka.Actor;
using Img.Messages.Vertices;
using Img.Coordinator.Hosting;
using Img.Messages.Hosting;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Cache.Queries;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;

namespace Img.Coordinator.Cache;

/// <summary>
/// The build cache as <c>img du</c> and <c>img prune</c> see it, from outside the actor system:
/// records are listed by <see cref="BuildCacheActor"/> and deleted by their vertex entities
/// (<see cref="ForgetVertex"/>), the same actors that record them during a build, so there is
/// one path for every cache decision. Standalone: the actors run in this process on the state
/// directory's SQLite journal; the caller holds the state lock, so no build runs meanwhile.
/// </summary>
public sealed class BuildCacheClient : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(2);

    private readonly ActorSystem _system;
    private readonly IActorRef _cache;
    private readonly IActorRef _vertices;
    private readonly bool _ownsSystem;

    public BuildCacheClient(ActorSystem system, IActorRef cache, IActorRef vertices, bool ownsSystem = false)
    {
        _system = system;
        _cache = cache;
        _vertices = vertices;
        _ownsSystem = ownsSystem;
    }

    /// <summary>
    /// Starts a standalone actor system on <paramref name="state"/>'s cache with the cache actor and
    /// the vertex entities (no worker: nothing is built, a <see cref="SolveVertex"/> would go nowhere).
    /// </summary>
    public static async Task<BuildCacheClient> StartStandaloneAsync(StateDirectory state, ImgActorSystemOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = (options ?? new ImgActorSystemOptions()) with { RoleConfig = CachePersistence.Config(state) };
        var system = await ImgActorSystem.CreateAsync(ImgMode.Standalone, options, cancellationToken).ConfigureAwait(false);
        var vertices = system.ActorOf(LocalVertexRegionActor.Props(VertexEntityActor.Props(ActorRefs.Nobody), new VertexMessageExtractor()), VertexMessageExtractor.TypeName);
        var cache = system.ActorOf(BuildCacheActor.Props(CachePersistence.ReadJournalId), BuildCacheActor.Name);
        return new BuildCacheClient(system, cache, vertices, ownsSystem: true);
    }

    /// <summary>Every key's current record.</summary>
    /// <exception cref="InvalidOperationException">The journal could not be read.</exception>
    public async Task<IReadOnlyList<CacheRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var result = await _cache.Ask<CacheRecordsResult>(new ListCacheRecords(), AskTimeout, cancellationToken).ConfigureAwait(false);
        if (result.Error.Length > 0)
            throw new InvalidOperationException(result.Error);
        return result.Records;
    }

    /// <summary>Deletes the records of <paramref name="keys"/>, each through its vertex entity; the answers in key order.</summary>
    public async Task<IReadOnlyList<VertexForgotten>> ForgetAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken)
    {
        var answers = keys.Select(key => _vertices.Ask<VertexForgotten>(new ForgetVertex(key), AskTimeout, cancellationToken));
        return await Task.WhenAll(answers).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSystem)
            await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }
}
