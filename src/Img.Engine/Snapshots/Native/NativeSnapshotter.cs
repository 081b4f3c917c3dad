using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Snapshots.Native;

/// <summary>
/// Snapshots as full copies: Prepare copies the parent's tree into the new snapshot (see
/// <see cref="TreeCopier"/>) and hands out a bind mount of it; views bind the committed parent
/// read-only without copying; a merge copies the stacked trees over a copy of
/// its parent. Slower and larger than overlay, but works on any filesystem and
/// without overlay or FUSE support.
/// </summary>
public sealed class NativeSnapshotter : SnapshotterBase
{
    public NativeSnapshotter(string root)
        : base(root)
    {
        Recover();
    }

    /// <inheritdoc/>
    public override string Name => "native";

    /// <inheritdoc/>
    protected override void CreateSnapshot(string id, SnapshotKind kind, IReadOnlyList<string> parentIds, CancellationToken ct)
    {
        string fs = FsDirectory(id);
        Directory.CreateDirectory(fs);
        if (kind == SnapshotKind.Active && parentIds.Count > 0)
        {
            TreeCopier.Copy(FsDirectory(parentIds[0]), fs, ct);
        }
        else
        {
            Posix.Chmod(fs, 0x1ED); // 0755
        }
    }

    /// <inheritdoc/>
    protected override void StackSnapshots(string id, IReadOnlyList<string> stackedIds, CancellationToken ct)
    {
        // Each native snapshot holds its whole tree: laying it over the copy of the parent is
        // applying its layers, since a chain stacked by a merge never deletes what is below it.
        foreach (string stacked in stackedIds)
        {
            TreeCopier.CopyOver(FsDirectory(stacked), FsDirectory(id), ct);
        }
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Mount> BuildMounts(string id, SnapshotKind kind, IReadOnlyList<string> parentIds) =>
        kind == SnapshotKind.View
            ? [Mount.Bind(FsDirectory(parentIds.Count > 0 ? parentIds[0] : id), readOnly: true)]
            : [Mount.Bind(FsDirectory(id), readOnly: false)];
}
