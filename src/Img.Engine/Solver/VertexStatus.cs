namespace Img.Engine.Solver;

/// <summary>Where a vertex is in one build (<see cref="BuildState"/>).</summary>
public enum VertexStatus
{
    /// <summary>Nothing asked yet.</summary>
    Pending,
    /// <summary>A cache lookup is in flight.</summary>
    Probing,
    /// <summary>Not cached (or <c>--no-cache</c>): runs once its inputs are done.</summary>
    Missed,
    /// <summary>Sent for execution.</summary>
    Running,
    /// <summary>Done: the result came from the cache.</summary>
    Cached,
    /// <summary>Done: executed in this build.</summary>
    Completed,
    /// <summary>Execution failed.</summary>
    Failed,
    /// <summary>Will not run: an input failed.</summary>
    Cancelled,
}
