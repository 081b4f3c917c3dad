using Img.Engine.Solver;
using Img.Engine.Worker;

namespace Img.Engine.BuildCache;

/// <summary>
/// The availability check a build makes for every cache hit it will use, noting each available
/// snapshot as used (<see cref="BuildCacheUsage"/>): the one place every hit passes.
/// </summary>
public sealed class UsageRecordingAvailability(IResultAvailability inner, BuildCacheUsage usage) : IResultAvailability
{
    public bool IsAvailable(CacheResult result)
    {
        if (!inner.IsAvailable(result))
            return false;
        if (result.Location.Length == 0 && SnapshotReference.Parse(result.SnapshotId) is { Kind: SnapshotReferenceKind.Snapshot } reference)
            usage.Touch(reference.Name);
        return true;
    }
}
