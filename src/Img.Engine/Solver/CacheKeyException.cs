using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// The cache key of one vertex could not be computed (a COPY source that selects nothing, a bad
/// pattern, an unreadable context file). It names the vertex so the failure is reported on its
/// step, with the Dockerfile excerpt, as BuildKit reports a cache-map error on the vertex whose
/// key it was computing; the message is the cause's.
/// </summary>
public sealed class CacheKeyException(OpDigest vertex, Exception cause) : Exception(cause.Message, cause)
{
    /// <summary>The vertex whose key failed.</summary>
    public OpDigest Vertex { get; } = vertex;
}
