using Img.Engine.Graph;
using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>One line of a running vertex's output (RUN stdout/stderr).</summary>
[MessagePackObject]
public sealed record VertexLog([property: Key(0)] BuildId BuildId, [property: Key(1)] OpDigest Vertex, [property: Key(2)] VertexLogStream Stream, [property: Key(3)] string Line) : IBuildEvent;
