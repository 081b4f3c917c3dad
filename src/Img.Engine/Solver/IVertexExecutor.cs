namespace Img.Engine.Solver;

/// <summary>
/// Runs one vertex whose inputs are ready and returns what it produced (BuildKit's
/// <c>Op.Exec</c>): sources fetch, exec ops run in a container, file ops copy, merge ops stack.
/// Implemented with the snapshotters and the runc executor; the node worker calls it, one call
/// per free slot. It must honour cancellation and never block the calling thread.
/// </summary>
public interface IVertexExecutor
{
    ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken);
}
