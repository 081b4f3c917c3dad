using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>A vertex began to run on a node (<see cref="Node"/>: its name; "" in one process).</summary>
[MessagePackObject]
public sealed record VertexStarted([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest Vertex, [property: Key(2)] string Description, [property: Key(3)] string Node = "") : IBuildEvent;
