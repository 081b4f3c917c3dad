using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Commands;

/// <summary>
/// Delete the cache record of a key (<c>img prune</c>): the entity deletes its journal events and
/// forgets its result, so the next <c>SolveVertex</c> runs the vertex again and records anew.
/// Answered with <c>VertexForgotten</c>. A key whose vertex is running is not forgotten (the
/// running build needs it): <c>VertexForgotten.Forgotten</c> is then false.
/// </summary>
[MessagePackObject]
public sealed record ForgetVertex([property: Key(0)] CacheKey Key) : IVertexCommand;
