using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>Look the vertex's key up in the cache; answer with <see cref="BuildState.OnProbed"/>.</summary>
public sealed record ProbeCacheAction(OpDigest Vertex) : SchedulerAction;
