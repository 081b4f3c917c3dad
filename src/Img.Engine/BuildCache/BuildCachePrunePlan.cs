using Img.Engine.Solver;

namespace Img.Engine.BuildCache;

/// <summary>
/// What a prune removes: <see cref="Entries"/> children before parents (the order snapshots can
/// be removed in), and the cache keys whose records go with them. Records are deleted first: a
/// prune killed half-way leaves snapshots without records (removed by the next prune), never a
/// record pointing at a removed snapshot.
/// </summary>
public sealed record BuildCachePrunePlan(IReadOnlyList<BuildCacheEntry> Entries)
{
    public IReadOnlyList<CacheKey> Keys => Entries.SelectMany(e => e.Keys).Distinct().ToList();

    public long Size => Entries.Sum(e => e.Size);
}
