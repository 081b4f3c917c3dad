namespace Img.Engine.Graph;

/// <summary>
/// Collects ops as the converter emits them. Equal ops get equal digests and are stored once
/// (the first metadata wins). <see cref="Build"/> keeps only what the target reaches.
/// </summary>
public sealed class BuildGraphBuilder
{
    private readonly Dictionary<OpDigest, BuildVertex> _vertices = new();

    /// <summary>Adds <paramref name="op"/> (inputs must have been added first) and returns its output 0.</summary>
    public OpInput Add(BuildOp op, OpMetadata metadata)
    {
        foreach (var input in op.Inputs)
        {
            if (!_vertices.ContainsKey(input.Digest))
                throw new InvalidOperationException($"input {input.Digest} of a {op.Kind} op was not added");
        }
        var digest = op.ComputeDigest();
        _vertices.TryAdd(digest, new BuildVertex(digest, op, metadata));
        return new OpInput(digest);
    }

    public bool Contains(OpDigest digest) => _vertices.ContainsKey(digest);

    /// <summary>
    /// The graph of <paramref name="target"/> with some vertices swapped for other ops: every
    /// dependent is re-encoded, so digests stay true to the new definitions. The converter uses
    /// it to give the build context source its final followed paths.
    /// </summary>
    public BuildGraph Build(OpDigest target, IReadOnlyDictionary<OpDigest, BuildOp> replacements)
    {
        if (replacements.Count == 0)
            return Build(target);
        var original = Build(target);
        var rewritten = new BuildGraphBuilder();
        var mapping = new Dictionary<OpDigest, OpDigest>();
        foreach (var vertex in original.Vertices)
        {
            var op = replacements.TryGetValue(vertex.Digest, out var replacement) ? replacement : vertex.Op;
            op = op.MapInputs(i => i with { Digest = mapping[i.Digest] });
            mapping[vertex.Digest] = rewritten.Add(op, vertex.Metadata).Digest;
        }
        return rewritten.Build(mapping[target]);
    }

    /// <summary>The graph of everything <paramref name="target"/> depends on, in topological order.</summary>
    public BuildGraph Build(OpDigest target)
    {
        if (!_vertices.ContainsKey(target))
            throw new InvalidOperationException($"target {target} was not added");
        var ordered = new List<BuildVertex>();
        var done = new HashSet<OpDigest>();
        // iterative post-order DFS; deep Dockerfiles must not overflow the stack
        var stack = new Stack<(BuildVertex Vertex, int Next)>();
        stack.Push((_vertices[target], 0));
        done.Add(target);
        while (stack.Count > 0)
        {
            var (vertex, next) = stack.Pop();
            if (next < vertex.Inputs.Count)
            {
                stack.Push((vertex, next + 1));
                var input = vertex.Inputs[next].Digest;
                if (done.Add(input))
                    stack.Push((_vertices[input], 0));
                continue;
            }
            ordered.Add(vertex);
        }
        return new BuildGraph(ordered, target);
    }
}
