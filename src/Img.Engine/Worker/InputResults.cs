using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker;

/// <summary>The results of a job's inputs, looked up by the <see cref="OpInput"/> the op names them with.</summary>
internal sealed class InputResults
{
    private readonly Dictionary<OpDigest, CacheResult> _byDigest = new();

    public InputResults(VertexJob job)
    {
        var inputs = job.Vertex.Inputs;
        if (inputs.Count != job.Inputs.Count)
            throw new ArgumentException($"vertex {job.Vertex.Digest.Short} has {inputs.Count} inputs but the job carries {job.Inputs.Count} results");
        for (var i = 0; i < inputs.Count; i++)
            _byDigest[inputs[i].Digest] = job.Inputs[i];
    }

    /// <summary>The result of <paramref name="input"/>; null input = scratch.</summary>
    public CacheResult? this[OpInput? input] => input is null ? null : _byDigest[input.Digest];

    /// <summary>The filesystem of <paramref name="input"/>.</summary>
    public SnapshotReference Reference(OpInput? input) =>
        this[input] is { } r ? SnapshotReference.Parse(r.SnapshotId) : SnapshotReference.Scratch;
}
