using Img.Engine.Graph;

namespace Img.Engine.RemoteCache;

/// <summary>
/// The vertices a cache export writes, in graph order (inputs first).
/// <list type="bullet">
/// <item><see cref="CacheExportMode.Min"/>: the target and every vertex whose filesystem is a layer
/// of it: an export's root, a RUN's root, a file op's base, every input a merge stacks
/// (<c>COPY --link</c>), down to the base image. Stages a <c>COPY --from</c> only reads are not
/// layers of the image and are left out, as BuildKit's <c>mode=min</c> leaves them.</item>
/// <item><see cref="CacheExportMode.Max"/>: every vertex of the graph.</item>
/// </list>
/// Local sources (the build context) are never exported: their keys are content checksums of
/// files only the client has. A multi-platform build's index (<see cref="ImageIndexOp"/>) is not
/// exported either (BuildKit exports each platform's chain, never the exporter's index): in
/// <c>min</c> it only leads to every platform's image, so one cache holds the records of every
/// platform, steps equal in several platforms once.
/// </summary>
public static class CacheExportSelection
{
    public static IReadOnlyList<BuildVertex> Select(BuildGraph graph, CacheExportMode mode)
    {
        if (mode == CacheExportMode.None)
            return [];
        var wanted = new HashSet<OpDigest>();
        if (mode == CacheExportMode.Max)
        {
            wanted.UnionWith(graph.Vertices.Select(v => v.Digest));
        }
        else
        {
            var pending = new Stack<BuildVertex>([graph.Target]);
            while (pending.TryPop(out var vertex))
            {
                if (!wanted.Add(vertex.Digest))
                    continue;
                foreach (var layer in LayerInputs(vertex.Op))
                    pending.Push(graph[layer.Digest]);
            }
        }
        return graph.Vertices.Where(v => wanted.Contains(v.Digest) && v.Op is not (SourceOp { SourceKind: SourceKind.Local } or ImageIndexOp)).ToArray();
    }

    /// <summary>The inputs whose filesystems are layers of <paramref name="op"/>'s result.</summary>
    private static IEnumerable<OpInput> LayerInputs(BuildOp op) => op switch
    {
        ImageIndexOp index => index.Manifests,
        ImageConfigOp { Root: { } root } => [root],
        ExecOp { Root: { } root } => [root],
        FileOp { Base: { } @base } => [@base],
        MergeOp merge => merge.Layers,
        _ => [],
    };
}
