using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// Computes the <see cref="CacheKey"/> of every vertex of a graph, inputs first (BuildKit's
/// chained cache keys):
/// <code>
/// key(v) = sha256("img.cachekey.v1", definition(v), for each input i in order: output(i), contribution(i))
/// definition(v)   = the op's digest with every input digest replaced by its position
/// contribution(i) = the content checksums of the selections v reads from i, when i is a local
///                   source read by COPY/ADD or a bind mount; else key(i)
/// key(local source) = sha256(definition, checksum of everything it provides)
/// </code>
/// So a COPY's key follows the bytes of the files it selects (not their mtime, not other files of
/// the context), and a change anywhere upstream changes every key downstream. Metadata
/// (descriptions, <c>--no-cache</c>) never enters a key.
/// </summary>
public static class CacheKeyCalculator
{
    private const string Version = "img.cachekey.v1";

    /// <summary>Keys of all vertices of <paramref name="graph"/>, by op digest.</summary>
    /// <exception cref="CacheKeyException">A content checksum failed; names the vertex whose key needed it.</exception>
    public static async ValueTask<IReadOnlyDictionary<OpDigest, CacheKey>> ComputeAsync(
        BuildGraph graph, IContentChecksumProvider checksums, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<OpDigest, CacheKey>(graph.Vertices.Count);
        foreach (var vertex in graph.Vertices)
        {
            try
            {
                keys[vertex.Digest] = await KeyOfAsync(graph, vertex, keys, checksums, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OperationCanceledException or CacheKeyException))
            {
                throw new CacheKeyException(vertex.Digest, e);
            }
        }
        return keys;
    }

    private static async ValueTask<CacheKey> KeyOfAsync(BuildGraph graph, BuildVertex vertex, Dictionary<OpDigest, CacheKey> keys,
        IContentChecksumProvider checksums, CancellationToken cancellationToken)
    {
        var writer = new CanonicalWriter();
        writer.String(Version).String(DefinitionDigest(vertex.Op).Value);
        if (vertex.Op is SourceOp { SourceKind: SourceKind.Local } local)
        {
            var all = await checksums.ChecksumAsync(local, ContentSelection.All, cancellationToken).ConfigureAwait(false);
            writer.Field("content").String(all.ToString());
        }
        foreach (var input in vertex.Inputs)
        {
            writer.Field("input").Int(input.Output);
            var source = graph[input.Digest];
            var selections = source.Op is SourceOp { SourceKind: SourceKind.Local } ? ContentSelections(vertex.Op, input) : [];
            if (selections.Count == 0)
            {
                writer.String(keys[input.Digest].Value);
                continue;
            }
            writer.Field("content");
            foreach (var selection in selections)
            {
                var digest = await checksums.ChecksumAsync((SourceOp)source.Op, selection, cancellationToken).ConfigureAwait(false);
                writer.String(digest.ToString());
            }
        }
        return new CacheKey(writer.Digest().Value);
    }

    /// <summary>The op's digest with its inputs replaced by their positions: what it does, not what it reads.</summary>
    public static OpDigest DefinitionDigest(BuildOp op)
    {
        var inputs = op.Inputs;
        if (inputs.Count == 0)
            return op.ComputeDigest();
        return op.MapInputs(i =>
        {
            var index = -1;
            for (var n = 0; n < inputs.Count; n++)
            {
                if (inputs[n].Digest == i.Digest)
                {
                    index = n;
                    break;
                }
            }
            return new OpInput(new OpDigest("input:" + index), i.Output);
        }).ComputeDigest();
    }

    /// <summary>
    /// The selections through which <paramref name="op"/> reads <paramref name="input"/>, in
    /// definition order; empty when it also uses the input another way (as a base or root),
    /// then the input's whole key counts.
    /// </summary>
    public static IReadOnlyList<ContentSelection> ContentSelections(BuildOp op, OpInput input)
    {
        var result = new List<ContentSelection>();
        switch (op)
        {
            case FileOp file:
                if (file.Base == input)
                    return [];
                foreach (var action in file.Actions)
                {
                    if (action is FileCopyAction copy && copy.Source == input)
                        result.Add(new ContentSelection(copy.SourcePath, copy.IncludePatterns, copy.ExcludePatterns, copy.FollowSymlinks, copy.AllowWildcard, copy.AllowEmptyWildcard));
                }
                break;
            case ExecOp exec:
                if (exec.Root == input)
                    return [];
                foreach (var mount in exec.Mounts)
                {
                    if (mount.Source == input)
                        result.Add(new ContentSelection(mount.SourcePath, [], [], true, false));
                }
                break;
            default:
                return [];
        }
        return result;
    }
}
