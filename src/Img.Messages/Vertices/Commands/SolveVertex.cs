using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Commands;

/// <summary>Get the result of a vertex: from the cache unless IgnoreCache, else by running it once however many builds ask. Answered with <c>VertexSolved</c> or <c>VertexSolveFailed</c>; <c>VertexExecutionStarted</c> and <c>VertexOutput</c> meanwhile. Vertex is <c>BuildGraphCodec.EncodeVertex</c>; Inputs are the input results in input order.</summary>
[MessagePackObject]
public sealed record SolveVertex([property: Key(0)] CacheKey Key, [property: Key(1)] byte[] Vertex, [property: Key(2)] IReadOnlyList<CacheResult> Inputs, [property: Key(3)] bool IgnoreCache) : IVertexCommand;
