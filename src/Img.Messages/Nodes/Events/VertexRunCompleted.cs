using Img.Engine.Solver;
using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>A node finished running a vertex; <c>Result.Location</c> names the node.</summary>
[MessagePackObject]
public sealed record VertexRunCompleted([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult Result, [property: Key(2)] long DurationMs) : INodeEvent, IWithCacheKey;
