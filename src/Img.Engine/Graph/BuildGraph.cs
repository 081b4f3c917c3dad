namespace Img.Engine.Graph;

/// <summary>
/// An immutable DAG of build ops ending in one target. <see cref="Vertices"/> are in topological
/// order (every input before its dependents; ties in definition order), so the same Dockerfile
/// always lists the same vertices in the same order. Only what the target needs is present.
/// </summary>
public sealed class BuildGraph
{
    private readonly Dictionary<OpDigest, BuildVertex> _byDigest;

    internal BuildGraph(IReadOnlyList<BuildVertex> vertices, OpDigest target)
    {
        Vertices = vertices;
        _byDigest = vertices.ToDictionary(v => v.Digest);
        Target = _byDigest[target];
    }

    /// <summary>All vertices, inputs first.</summary>
    public IReadOnlyList<BuildVertex> Vertices { get; }

    /// <summary>The vertex whose result the build produces (an <see cref="ImageConfigOp"/> for Dockerfile builds).</summary>
    public BuildVertex Target { get; }

    /// <summary>Vertices without inputs (sources and scratch-based ops), in topological order.</summary>
    public IReadOnlyList<BuildVertex> Roots => Vertices.Where(v => v.Inputs.Count == 0).ToArray();

    public BuildVertex this[OpDigest digest] => _byDigest[digest];

    public bool TryGet(OpDigest digest, out BuildVertex vertex) => _byDigest.TryGetValue(digest, out vertex!);

    public bool Contains(OpDigest digest) => _byDigest.ContainsKey(digest);

    /// <summary>The vertices that read <paramref name="digest"/>'s outputs directly.</summary>
    public IReadOnlyList<BuildVertex> DependentsOf(OpDigest digest) =>
        Vertices.Where(v => v.Inputs.Any(i => i.Digest == digest)).ToArray();
}
