namespace Img.Engine.Graph;

/// <summary>An op, its digest, and its (digest-neutral) metadata.</summary>
public sealed record BuildVertex(OpDigest Digest, BuildOp Op, OpMetadata Metadata)
{
    public IReadOnlyList<OpInput> Inputs => Op.Inputs;
}
