using System.Text.Json.Serialization;

namespace Img.Engine.BuildCache;

/// <summary>When a cache entry was last used from the cache, and how many builds used it (BuildKit's last used / usage count).</summary>
public sealed record CacheUse(
    [property: JsonPropertyName("lastUsed")] DateTimeOffset LastUsed,
    [property: JsonPropertyName("count")] int Count);
