using Img.Engine.Snapshots;
using Img.Engine.Solver;

namespace Img.Engine.Worker;

/// <summary>
/// A result is available when its snapshot (and every ancestor) is still committed in this
/// node's snapshotter; local sources and scratch always are, and results that live on another
/// node are trusted (that node checks its own when it serves them).
/// </summary>
public sealed class SnapshotAvailability(ISnapshotter snapshotter) : IResultAvailability
{
    public bool IsAvailable(CacheResult result)
    {
        if (result.Location.Length > 0)
            return true;
        var reference = SnapshotReference.Parse(result.SnapshotId);
        return reference.Kind != SnapshotReferenceKind.Snapshot || snapshotter.CommittedChainExists(reference.Name);
    }
}
