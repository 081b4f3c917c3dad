using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>A vertex failed; <see cref="Cancelled"/> depended on it and will not run. The build is over.</summary>
public sealed record BuildFailedAction(OpDigest Vertex, string Error, IReadOnlyList<OpDigest> Cancelled) : SchedulerAction;
