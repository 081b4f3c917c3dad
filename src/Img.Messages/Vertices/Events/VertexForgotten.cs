using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>The answer to <c>ForgetVertex</c>: whether the record is gone (false: the vertex is running, or the journal refused the delete, see Error).</summary>
[MessagePackObject]
public sealed record VertexForgotten([property: Key(0)] CacheKey Key, [property: Key(1)] bool Forgotten, [property: Key(2)] string Error) : IVertexEvent;
