using Img.Engine.Content;

namespace Img.Engine.Images;

/// <summary>What a garbage collection removed (or, for a dry run, would remove) and kept.</summary>
/// <param name="Removed">The unreferenced blobs.</param>
/// <param name="KeptCount">Blobs still reachable from an image or an extra root.</param>
/// <param name="KeptBytes">Their total size.</param>
/// <param name="DryRun">True when nothing was actually deleted.</param>
public sealed record GarbageCollectionResult(IReadOnlyList<ContentInfo> Removed, int KeptCount, long KeptBytes, bool DryRun)
{
    /// <summary>Total size of <see cref="Removed"/>.</summary>
    public long BytesFreed => Removed.Sum(r => r.Size);
}
