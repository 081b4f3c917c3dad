using Img.Engine.Solver;

namespace Img.Messages.Vertices;

/// <summary>Messages for the vertex entity of one cache key; the shard extractor reads <see cref="Key"/>.</summary>
public interface IWithCacheKey
{
    CacheKey Key { get; }
}
