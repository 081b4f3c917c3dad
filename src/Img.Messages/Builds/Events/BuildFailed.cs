using Img.Engine.Graph;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>The build failed: Vertex is the vertex that failed, or null for a failure of the build itself (bad graph, checksum error, cancel).</summary>
[MessagePackObject]
public sealed record BuildFailed([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest? Vertex, [property: Key(2)] string Error) : IBuildEvent;
