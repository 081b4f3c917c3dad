using Img.Engine.Graph;


namespace Img.Engine.Solver;

/// <summary>One vertex to run, with the results of its inputs.</summary>
/// <param name="Key">The cache key the result will be recorded under.</param>
/// <param name="Vertex">The op, its digest and its metadata.</param>
/// <param name="Inputs">One result per <see cref="BuildVertex.Inputs"/> entry, same order.</param>
/// <param name="Log">Where the process output goes (RUN's stdout/stderr), line by line.</param>
/// <param name="Session">Where the build's local contexts and secrets come from; null: the executor's own (one process).</param>
public sealed record VertexJob(CacheKey Key, BuildVertex Vertex, IReadOnlyList<CacheResult> Inputs, IVertexLog Log, IBuildSession? Session = null);
