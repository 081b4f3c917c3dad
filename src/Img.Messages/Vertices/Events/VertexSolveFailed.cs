using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>
/// The answer to <c>SolveVertex</c> when the execution failed. <see cref="LostInputs"/>: positions
/// of inputs whose results are gone from every node (the build re-runs their producers, then asks
/// again); <see cref="Retryable"/>: nothing ran the vertex to a verdict (the build may ask again).
/// </summary>
[MessagePackObject]
public sealed record VertexSolveFailed(
    [property: Key(0)] CacheKey Key,
    [property: Key(1)] string Error,
    [property: Key(2)] long DurationMs,
    [property: Key(3)] IReadOnlyList<int>? LostInputs = null,
    [property: Key(4)] bool Retryable = false) : IVertexEvent;
