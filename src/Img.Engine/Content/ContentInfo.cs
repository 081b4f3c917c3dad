namespace Img.Engine.Content;

/// <summary>What the store knows about a committed blob.</summary>
/// <param name="Digest">The blob's sha256 digest (its name in the store).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="CommittedAt">When it was committed (the blob file's modification time).</param>
public sealed record ContentInfo(Digest Digest, long Size, DateTimeOffset CommittedAt);
