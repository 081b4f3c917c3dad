using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Tests.Worker;

/// <summary>
/// Test stand-in for the actors' scheduling: runs every vertex of a graph in its topological
/// order, one at a time, handing each its inputs' results. No cache lookups.
/// </summary>
internal static class GraphWalker
{
    public static async Task<Dictionary<OpDigest, CacheResult>> RunAsync(IVertexExecutor executor, BuildGraph graph, IContentChecksumProvider checksums, IVertexLog log, CancellationToken ct = default)
    {
        var keys = await CacheKeyCalculator.ComputeAsync(graph, checksums, ct);
        var results = new Dictionary<OpDigest, CacheResult>();
        foreach (var vertex in graph.Vertices)
        {
            var inputs = vertex.Inputs.Select(i => results[i.Digest]).ToArray();
            var result = await executor.ExecuteAsync(new VertexJob(keys[vertex.Digest], vertex, inputs, log), ct);
            results[vertex.Digest] = result.Output;
        }
        return results;
    }
}
