using System.Collections.Concurrent;

namespace Img.Engine.Registry.Auth;

/// <summary>
/// Bearer tokens per (registry, scope set). Concurrent requests for the same key share one fetch,
/// so twenty parallel layer downloads cost one round trip to the token service. Share one cache
/// between clients of a process; tokens never leave memory.
/// </summary>
public sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BearerToken>>> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TokenCache(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public static string Key(string registry, string? service, IEnumerable<string> scopes) =>
        $"{registry}|{service}|{string.Join(' ', AuthScope.Normalize(scopes))}";

    /// <summary>The cached token for <paramref name="key"/> if still fresh, else the result of <paramref name="fetch"/>.</summary>
    public async Task<BearerToken> GetOrFetchAsync(string key, Func<CancellationToken, Task<BearerToken>> fetch, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            var lazy = _entries.GetOrAdd(key, _ => new Lazy<Task<BearerToken>>(() => fetch(ct)));
            BearerToken token;
            try
            {
                token = await lazy.Value.ConfigureAwait(false);
            }
            catch
            {
                _entries.TryRemove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(key, lazy));
                throw;
            }
            // A token fresh from the service is used even if its lifetime is shorter than the margin.
            if (round > 0 || token.IsFresh(_time.GetUtcNow())) return token;
            // Expired (or about to): drop it and fetch again, unless someone already replaced it.
            _entries.TryRemove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(key, lazy));
        }
    }

    /// <summary>Forgets a token the registry rejected.</summary>
    public void Invalidate(string key) => _entries.TryRemove(key, out _);

    internal int Count => _entries.Count;
}
