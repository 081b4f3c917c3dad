using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Snapshots.Native;

/// <summary>
/// The backend of snapshots as full copies: Prepare copies the parent's tree into the new snapshot (see
/// <see cref="TreeCopier"/>) and hands out a bind mount of it; views bind the committed parent
/// read-only without copying; a merge copies the stacked trees over a copy of its parent
/// (<see cref="StackSnapshots"/>). Slower and larger than overlay, but works on any filesystem and
/// without overlay or FUSE support.
/// </summary>
public sealed class NativeBackend : ISnapshotBackend
{
    /// <inheritdoc/>
    public string Name => "native";

    /// <inheritdoc/>
    public void CreateSnapshot(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds, CancellationToken ct)
    {
        string fs = directories.Fs(id);
        Directory.CreateDirectory(fs);
        if (kind == SnapshotKind.Active && parentIds.Count > 0)
        {
            TreeCopier.Copy(directories.Fs(parentIds[0]), fs, ct);
        }
        else
        {
            Posix.Chmod(fs, 0x1ED); // 0755
        }
    }

    /// <inheritdoc/>
    public void StackSnapshots(SnapshotDirectories directories, string id, IReadOnlyList<string> stackedIds, CancellationToken ct)
    {
        // A native snapshot is mounted alone, so the merge must hold the whole tree. Each stacked
        // snapshot holds its whole tree too: laying it over the copy of the parent is applying its
        // layers, since a chain stacked by a merge never deletes what is below it.
        foreach (var stacked in stackedIds)
        {
            TreeCopier.CopyOver(directories.Fs(stacked), directories.Fs(id), ct);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<Mount> Mounts(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds) =>
        kind == SnapshotKind.View
            ? [Mount.Bind(directories.Fs(parentIds.Count > 0 ? parentIds[0] : id), readOnly: true)]
            : [Mount.Bind(directories.Fs(id), readOnly: false)];
}
