using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>A vertex failed; the build fails with it.</summary>
[MessagePackObject]
public sealed record VertexFailed([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest Vertex, [property: Key(2)] string Description, [property: Key(3)] string Error, [property: Key(4)] long DurationMs) : IBuildEvent;
