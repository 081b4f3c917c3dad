using System.Collections.Concurrent;

namespace Img.Engine.Solver.Memory;

/// <summary>An <see cref="ICacheStore"/> in a dictionary: tests and throw-away builds.</summary>
public sealed class MemoryCacheStore : ICacheStore
{
    private readonly ConcurrentDictionary<CacheKey, CacheResult> _records = new();

    public int Count => _records.Count;

    public ValueTask<CacheResult?> TryGetAsync(CacheKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_records.TryGetValue(key, out var result) ? result : null);

    public ValueTask PutAsync(CacheKey key, CacheResult result, CancellationToken cancellationToken)
    {
        _records[key] = result;
        return ValueTask.CompletedTask;
    }
}
