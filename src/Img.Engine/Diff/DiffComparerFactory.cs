using Img.Engine.Diff.Overlay;
using Img.Engine.Diff.Walking;

namespace Img.Engine.Diff;

/// <summary>Picks the differ that fits a snapshotter: upper-directory reading for the overlay layouts, the double walk otherwise.</summary>
public static class DiffComparerFactory
{
    public static IDiffComparer For(string snapshotterName) => snapshotterName switch
    {
        "overlayfs" or "fuse-overlayfs" => new OverlayDiffComparer(),
        _ => new WalkingDiffComparer(),
    };
}
