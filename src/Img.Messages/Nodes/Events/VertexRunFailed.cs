using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>A node failed to run a vertex.</summary>
[MessagePackObject]
public sealed record VertexRunFailed([property: Key(0)] CacheKey Key, [property: Key(1)] string Error, [property: Key(2)] long DurationMs) : INodeEvent;
