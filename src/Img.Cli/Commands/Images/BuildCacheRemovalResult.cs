using Img.Engine.BuildCache;
using Img.Engine.Content;

namespace Img.Cli.Commands.Images;

/// <summary>What a prune or gc removed: cache entries and blobs with the bytes each freed; <see cref="Failed"/> when something could not be removed.</summary>
internal sealed record BuildCacheRemovalResult(
    IReadOnlyList<BuildCacheEntry> Removed,
    long CacheBytesFreed,
    IReadOnlyList<ContentInfo> BlobsRemoved,
    long BlobBytesFreed,
    bool Failed)
{
    public long BytesFreed => CacheBytesFreed + BlobBytesFreed;
}
