using Img.Engine.Solver;
using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Vertices.Commands;

/// <summary>
/// Get the result of a vertex: from the cache unless IgnoreCache, else by running it once however
/// many builds ask. Answered with <c>VertexSolved</c> or <c>VertexSolveFailed</c>;
/// <c>VertexExecutionStarted</c>, <c>VertexOutput</c> and <c>VertexRunning</c> meanwhile. Vertex is
/// <c>BuildGraphCodec.EncodeVertex</c>; Inputs are the input results in input order. Sent again
/// by a build that heard nothing for a while: a requester already waiting is not added twice.
/// </summary>
/// <param name="Session">Where the node reads the build's local contexts and secrets (null: standalone).</param>
/// <param name="Build">The asking build, for fair scheduling.</param>
/// <param name="Platform">The platform the step's processes are for, or "" (see <c>RunVertex.Platform</c>).</param>
[MessagePackObject]
public sealed record SolveVertex(
    [property: Key(0)] CacheKey Key,
    [property: Key(1)] byte[] Vertex,
    [property: Key(2)] IReadOnlyList<CacheResult> Inputs,
    [property: Key(3)] bool IgnoreCache,
    [property: Key(4)] BuildSession? Session = null,
    [property: Key(5)] string Build = "",
    [property: Key(6)] string Platform = "") : IVertexCommand;
