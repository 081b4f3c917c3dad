using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>The answer to <c>SolveVertex</c>: the result, whether it came from the cache, and how long the execution took.</summary>
[MessagePackObject]
public sealed record VertexSolved([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult Result, [property: Key(2)] bool Cached, [property: Key(3)] long DurationMs) : IVertexEvent;
