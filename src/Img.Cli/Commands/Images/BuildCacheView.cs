using Img.Cli.Hosting;
using Img.Coordinator.Cache;
using Img.Coordinator.Hosting;
using Img.Messages.Hosting;
using Img.Engine.BuildCache;
using Img.Engine.Images;
using Img.Engine.Snapshots;
using Img.Engine.Worker.Exec;

namespace Img.Cli.Commands.Images;

/// <summary>
/// The build cache of a state directory as <c>img du</c> and <c>img prune</c> work on it: the
/// records, listed (and deleted) by the actors over the cache journal, and the snapshots of every
/// snapshotter, in one <see cref="BuildCacheInventory"/>. Opened inside a <see cref="StateScope"/>:
/// the state lock keeps builds out while it is open. A state directory that never built has no
/// journal, and no actor system is started for it.
/// </summary>
internal sealed class BuildCacheView : IAsyncDisposable
{
    private readonly IReadOnlyList<ISnapshotter> _snapshotters;

    private BuildCacheView(BuildCacheClient? client, IReadOnlyList<ISnapshotter> snapshotters, IReadOnlyList<BuildCacheEntry> entries, IReadOnlyList<CachedResult> records)
    {
        Client = client;
        _snapshotters = snapshotters;
        Entries = entries;
        Records = records;
    }

    /// <summary>The actors' side of the cache; null when there is no journal (nothing was ever recorded).</summary>
    public BuildCacheClient? Client { get; }

    public IReadOnlyList<BuildCacheEntry> Entries { get; }

    public IReadOnlyList<CachedResult> Records { get; }

    public static async Task<BuildCacheView> OpenAsync(StateScope scope, CancellationToken cancellationToken)
    {
        BuildCacheClient? client = null;
        var snapshotters = SnapshotterFactory.OpenExisting(scope.State.SnapshotsRoot);
        try
        {
            IReadOnlyList<CachedResult> records = [];
            if (File.Exists(CachePersistence.DatabasePath(scope.State)))
            {
                client = await BuildCacheClient.StartStandaloneAsync(scope.State, new ImgActorSystemOptions
                {
                    ExtraHocon = "akka.loglevel = OFF\nakka.stdout-loglevel = OFF",
                }, cancellationToken);
                records = (await client.ListAsync(cancellationToken))
                    .Select(r => new CachedResult(r.Key, r.Result, DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedAtUnixMs)))
                    .ToList();
            }
            var imageBlobs = await new GarbageCollector(scope.Content, scope.Images).MarkAsync(null, cancellationToken);
            var entries = await BuildCacheInventory.ComputeAsync(records, snapshotters, imageBlobs, CacheMountStore.RootIn(scope.State),
                BuildCacheUsage.Load(BuildCacheUsage.PathIn(scope.State.Root)), cancellationToken);
            return new BuildCacheView(client, snapshotters, entries, records);
        }
        catch
        {
            if (client is not null) await client.DisposeAsync();
            foreach (var s in snapshotters) s.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
        foreach (var s in _snapshotters) s.Dispose();
    }
}
