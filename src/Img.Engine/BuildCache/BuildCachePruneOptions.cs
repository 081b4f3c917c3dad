namespace Img.Engine.BuildCache;

/// <summary>What <c>img prune</c> removes from the build cache.</summary>
/// <param name="All">Also base image layers unpacked from local images (<see cref="BuildCacheEntry.Internal"/>).</param>
/// <param name="Until">Only entries last used longer ago than this (<c>--filter until=</c>); null = any age.</param>
/// <param name="KeepStorage">Keep the most recently used entries up to this many bytes in total (<c>--keep-storage</c>); null = keep nothing.</param>
/// <param name="Now">The time <see cref="Until"/> is measured from.</param>
public sealed record BuildCachePruneOptions(bool All, TimeSpan? Until, long? KeepStorage, DateTimeOffset Now);
