using Img.Engine.Snapshots;
using Img.Engine.Worker;

namespace Img.Engine.BuildCache;

/// <summary>
/// What a snapshot cannot live without: its parent, and for a merge (COPY --link) every snapshot
/// it stacks, named by its <see cref="SnapshotLabels.Merge"/> label. A kept snapshot keeps them all.
/// </summary>
public static class SnapshotLowers
{
    public static IEnumerable<string> Of(SnapshotInfo info)
    {
        if (info.Parent is { } parent)
            yield return parent;
        if (info.Labels.TryGetValue(SnapshotLabels.Merge, out var merged))
        {
            foreach (var part in merged.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part != info.Parent)
                    yield return part;
            }
        }
    }
}
