namespace Img.Engine.Solver;

/// <summary>
/// Build cache records, <see cref="CacheKey"/> → <see cref="CacheResult"/>. Records are written
/// once per key and never changed; a later write for the same key (after <c>--no-cache</c>)
/// replaces the result. In the actor system each key's record is the journal of its vertex
/// entity; this interface is the same contract for code that runs without actors.
/// </summary>
public interface ICacheStore
{
    ValueTask<CacheResult?> TryGetAsync(CacheKey key, CancellationToken cancellationToken);

    ValueTask PutAsync(CacheKey key, CacheResult result, CancellationToken cancellationToken);
}
