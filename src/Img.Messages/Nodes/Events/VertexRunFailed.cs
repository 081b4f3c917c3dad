using Img.Engine.Solver;
using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>
/// A node failed to run a vertex. <see cref="LostInputs"/>: positions of inputs whose results no
/// holder could provide (the coordinator re-runs their producers, then this vertex);
/// <see cref="Retryable"/>: the node could not run it at all (draining, shutting down), another may.
/// </summary>
[MessagePackObject]
public sealed record VertexRunFailed(
    [property: Key(0)] CacheKey Key,
    [property: Key(1)] string Error,
    [property: Key(2)] long DurationMs,
    [property: Key(3)] IReadOnlyList<int>? LostInputs = null,
    [property: Key(4)] bool Retryable = false) : INodeEvent, IWithCacheKey;
