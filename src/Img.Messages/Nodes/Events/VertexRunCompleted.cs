using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>A node finished running a vertex.</summary>
[MessagePackObject]
public sealed record VertexRunCompleted([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult Result, [property: Key(2)] long DurationMs) : INodeEvent;
