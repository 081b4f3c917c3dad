namespace Img.Engine.Transfer;

/// <summary>Why one holder did not deliver a blob (unreachable, did not have it, sent other bytes, refused us).</summary>
public sealed record BlobHolderFailure(Uri Holder, string Reason)
{
    public override string ToString() => $"{Holder}: {Reason}";
}
