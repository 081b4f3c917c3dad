using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>A vertex's result came from the cache (progress shows CACHED).</summary>
[MessagePackObject]
public sealed record VertexCached([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest Vertex, [property: Key(2)] string Description) : IBuildEvent;
