using Akka.Cluster.Sharding;

namespace Img.Messages.Vertices;

/// <summary>Routes <see cref="IWithCacheKey"/> messages to the vertex entity of their key (shards by key hash).</summary>
public sealed class VertexMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    /// <summary>The sharding type name of vertex entities.</summary>
    public const string TypeName = "vertex";

    public override string EntityId(object message) => message is IWithCacheKey keyed ? keyed.Key.Value : null!;
}
