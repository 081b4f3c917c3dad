using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// Run the vertex (its inputs are done: <see cref="BuildState.InputResults"/>); answer with
/// <see cref="BuildState.OnCompleted"/> or <see cref="BuildState.OnFailed"/>.
/// </summary>
public sealed record RunVertexAction(OpDigest Vertex) : SchedulerAction;
