using Img.Engine.Content;

namespace Img.Engine.Images;

/// <summary>One blob of the content store as <c>img du</c> reports it.</summary>
/// <param name="Blob">The blob (digest, size).</param>
/// <param name="Kind">What it is to the images using it: <c>index</c>, <c>manifest</c>, <c>config</c>, <c>layer</c>, or <c>blob</c> when unreferenced.</param>
/// <param name="UsedBy">Names of the images that reach it (empty when unreferenced).</param>
public sealed record BlobUsage(ContentInfo Blob, string Kind, IReadOnlyList<string> UsedBy)
{
    /// <summary>True when no image reaches the blob, so <c>img prune</c> would delete it.</summary>
    public bool Reclaimable => UsedBy.Count == 0;
}
