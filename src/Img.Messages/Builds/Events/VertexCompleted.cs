using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>A vertex ran and its result is recorded.</summary>
[MessagePackObject]
public sealed record VertexCompleted([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest Vertex, [property: Key(2)] string Description, [property: Key(3)] long DurationMs) : IBuildEvent;
