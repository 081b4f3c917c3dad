using Img.Engine.Snapshots;
using Img.Engine.Solver;

namespace Img.Engine.BuildCache;

/// <summary>
/// One row of <c>img du</c>'s build cache: a snapshot with the cache records that point at it,
/// or a record with nothing on disk.
/// </summary>
/// <param name="Id">The snapshot name, or the cache key for a record without a snapshot.</param>
/// <param name="Snapshotter">The snapshotter holding <see cref="Snapshot"/>; null for a record-only entry.</param>
/// <param name="Snapshot">The snapshot, or null.</param>
/// <param name="Records">The cache records whose result is this snapshot (or this record).</param>
/// <param name="Size">Disk usage of the snapshot's own data (not its parents').</param>
/// <param name="LastUsed">The newest of the snapshot's creation, its records' times and its last cache hit (<see cref="BuildCacheUsage"/>).</param>
/// <param name="InUse">An active snapshot or view (a running step), or the ancestor of one: never pruned.</param>
/// <param name="Internal">A base image layer of an image in the local store, or the ancestor of one: kept unless <c>img prune -a</c>.</param>
/// <param name="Directory">A cache mount's directory (removed with the tree), or null.</param>
/// <param name="UsageCount">How many builds used it from the cache (BuildKit's usage count; 0 before img counted).</param>
public sealed record BuildCacheEntry(
    string Id,
    BuildCacheEntryType Type,
    ISnapshotter? Snapshotter,
    SnapshotInfo? Snapshot,
    IReadOnlyList<CachedResult> Records,
    long Size,
    DateTimeOffset Created,
    DateTimeOffset LastUsed,
    string Description,
    bool InUse,
    bool Internal,
    string? Directory = null,
    int UsageCount = 0)
{
    /// <summary>The parent snapshot's name, or null.</summary>
    public string? Parent => Snapshot?.Parent;

    /// <summary>
    /// The snapshots below this one: its parent and, for a merge, the snapshots it stacks (they are
    /// its lower layers, as the parent is).
    /// </summary>
    public IEnumerable<string> Lowers =>
        Snapshot is null ? [] : SnapshotLowers.Of(Snapshot);

    /// <summary>True when a plain <c>img prune</c> removes it.</summary>
    public bool Reclaimable => !InUse && !Internal;

    public IEnumerable<CacheKey> Keys => Records.Select(r => r.Key);
}
