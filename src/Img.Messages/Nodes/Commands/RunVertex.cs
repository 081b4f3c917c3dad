using Img.Engine.Solver;
using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Nodes.Commands;

/// <summary>
/// Run a vertex on a node worker. The node answers through the vertex region (by key, so a moved
/// or restarted entity still gets it): <c>VertexExecutionStarted</c> when a slot takes it,
/// <c>VertexOutput</c> lines and <c>VertexRunning</c> beats meanwhile, then <c>VertexRunCompleted</c>
/// or <c>VertexRunFailed</c>; the sender (a scheduler) gets <c>SlotReleased</c>. A node already
/// running the key does not start it twice.
/// </summary>
/// <param name="Inputs">The input results, in input order.</param>
/// <param name="Session">Where the build's local contexts and secrets are read (null: this process's own, standalone).</param>
/// <param name="InputHolders">Per input (same order): where its result can be fetched when it is not on this node.</param>
/// <param name="Build">The build that asked first (for fair scheduling and logs).</param>
/// <param name="Platform">The platform the step's processes are for (<c>os/arch[/variant]</c>), or "" when any node may run it.</param>
[MessagePackObject]
public sealed record RunVertex(
    [property: Key(0)] CacheKey Key,
    [property: Key(1)] byte[] Vertex,
    [property: Key(2)] IReadOnlyList<CacheResult> Inputs,
    [property: Key(3)] BuildSession? Session = null,
    [property: Key(4)] IReadOnlyList<ResultHolder>? InputHolders = null,
    [property: Key(5)] string Build = "",
    [property: Key(6)] string Platform = "") : INodeCommand;
