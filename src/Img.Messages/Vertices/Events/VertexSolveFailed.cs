using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>The answer to <c>SolveVertex</c> when the execution failed.</summary>
[MessagePackObject]
public sealed record VertexSolveFailed([property: Key(0)] CacheKey Key, [property: Key(1)] string Error, [property: Key(2)] long DurationMs) : IVertexEvent;
