namespace Img.Engine.Transfer;

/// <summary>Why one holder did not deliver a blob (unreachable, did not have it, sent other bytes, refused us).</summary>
/// <param name="Holder">The holder as its source names it (a blob server's base URL).</param>
public sealed record BlobHolderFailure(string Holder, string Reason)
{
    public override string ToString() => $"{Holder}: {Reason}";
}
