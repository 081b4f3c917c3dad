namespace Img.Engine.BuildCache;

/// <summary>What a prune removed (in removal order) and what it could not remove, one message each.</summary>
public sealed record BuildCachePruneResult(IReadOnlyList<BuildCacheEntry> Removed, IReadOnlyList<string> Failures)
{
    public long BytesFreed => Removed.Sum(e => e.Size);
}
