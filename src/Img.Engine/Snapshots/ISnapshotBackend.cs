using Img.Engine.Mounts;

namespace Img.Engine.Snapshots;

/// <summary>
/// What one kind of snapshot differs in: how a new snapshot's directory is filled and which
/// mounts present a snapshot. <see cref="DirectorySnapshotter"/> does the rest (records, lock,
/// recovery, lifecycle) for every backend: <c>Overlay/</c>, <c>FuseOverlay/</c>, <c>Native/</c>.
/// Parent chains are given as data ids, nearest first.
/// </summary>
public interface ISnapshotBackend
{
    /// <summary>The snapshotter's name (<c>overlayfs</c>, <c>native</c>, ...).</summary>
    string Name { get; }

    /// <summary>
    /// Fills the data directory of a new snapshot (it exists, empty). Not called for a view with a
    /// parent: it has no directory.
    /// </summary>
    void CreateSnapshot(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds, CancellationToken ct);

    /// <summary>
    /// Fills an active merge snapshot, already made by <see cref="CreateSnapshot"/> on the merge's
    /// parent, with the trees of <paramref name="stackedIds"/> (committed, bottom first). Whatever
    /// is made on the merge later gets the stacked chains in its parent ids (between the merge's
    /// and its parent's), so a backend that mounts the whole chain has nothing to do here.
    /// </summary>
    void StackSnapshots(SnapshotDirectories directories, string id, IReadOnlyList<string> stackedIds, CancellationToken ct);

    /// <summary>The mounts that present a snapshot.</summary>
    IReadOnlyList<Mount> Mounts(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds);

    /// <summary>The directory whose size is the snapshot's usage.</summary>
    string UsageDirectory(SnapshotDirectories directories, string id) => directories.Fs(id);
}
