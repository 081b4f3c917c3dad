using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>A node began running the vertex.</summary>
[MessagePackObject]
public sealed record VertexExecutionStarted([property: Key(0)] CacheKey Key, [property: Key(1)] string Node) : IVertexEvent;
