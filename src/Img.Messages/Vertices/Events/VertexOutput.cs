using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>One output line of a running vertex, from the node through the entity to every waiting build.</summary>
[MessagePackObject]
public sealed record VertexOutput([property: Key(0)] CacheKey Key, [property: Key(1)] VertexLogStream Stream, [property: Key(2)] string Line) : IVertexEvent;
