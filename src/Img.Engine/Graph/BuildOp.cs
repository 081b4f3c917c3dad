namespace Img.Engine.Graph;

/// <summary>
/// One operation of the build graph (BuildKit's <c>pb.Op</c>): a pure definition, with its
/// inputs named by digest. Ops never run anything; the solver and executors interpret them.
/// Everything an op holds is part of its digest and of the wire, declared once in the op's
/// <c>Schema</c> (<see cref="OpSchema{T}"/>); descriptions and cache hints go in
/// <see cref="OpMetadata"/> instead.
/// </summary>
public abstract record BuildOp
{
    /// <summary>A short name of the op kind: <c>source</c>, <c>exec</c>, <c>file</c>, <c>merge</c>, <c>export</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The ops this one reads, each once, in the order they first appear in the definition.</summary>
    public abstract IReadOnlyList<OpInput> Inputs { get; }

    /// <summary>Every kind of op, each with the schema both encodings follow; an op not listed cannot be hashed or sent.</summary>
    public static OpUnion<BuildOp> Kinds { get; } = new(SourceOp.Schema, ExecOp.Schema, FileOp.Schema, MergeOp.Schema, ImageConfigOp.Schema, ImageIndexOp.Schema);

    /// <summary>Writes the definition for the digest, fields in their schema's order.</summary>
    public void Encode(CanonicalWriter writer) => Kinds.For(this).Write(this, new OpDigestWriter(writer));

    /// <summary>SHA-256 over the canonical encoding (kind and version tag first).</summary>
    public OpDigest ComputeDigest()
    {
        var writer = new CanonicalWriter();
        writer.String("img.op.v1").String(Kind);
        Encode(writer);
        return writer.Digest();
    }

    /// <summary>The same op with every input replaced through <paramref name="map"/>.</summary>
    public abstract BuildOp MapInputs(Func<OpInput, OpInput> map);

    protected static IReadOnlyList<OpInput> Distinct(IEnumerable<OpInput?> inputs)
    {
        var result = new List<OpInput>();
        foreach (var input in inputs)
        {
            if (input is not null && !result.Contains(input))
                result.Add(input);
        }
        return result;
    }
}
