using Img.Engine.Native;

namespace Img.Engine.Snapshots;

/// <summary>
/// The data of a snapshotter's snapshots: one directory per data id under <c>root/snapshots</c>,
/// the tree in its <c>fs/</c> (backends may add more, like overlay's <c>work/</c>).
/// </summary>
public sealed class SnapshotDirectories
{
    internal SnapshotDirectories(string snapshotsDir)
    {
        Root = snapshotsDir;
        Directory.CreateDirectory(Root);
        // Snapshots are unrelated trees: on ext4 each then starts in its own block group. Packed
        // next to each other, a new snapshot's inodes come from the groups where the previous
        // build's just-deleted ones were, and without a journal ext4 skips recently deleted
        // inodes one by one: about 15 ms per RUN step right after emptying a state directory.
        Posix.TrySetTopDirectory(Root);
    }

    /// <summary><c>root/snapshots</c>.</summary>
    public string Root { get; }

    /// <summary>The directory of one snapshot's data.</summary>
    public string Of(string id) => Path.Join(Root, id);

    /// <summary>The tree of one snapshot (the overlay upper directory, or the native copy).</summary>
    public string Fs(string id) => Path.Join(Root, id, "fs");

    internal bool Exists(string id) => Directory.Exists(Of(id));

    /// <summary>The ids that have a directory.</summary>
    internal IReadOnlyList<string> List() => Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().ToArray();

    internal void Delete(string id)
    {
        var dir = Of(id);
        if (Directory.Exists(dir))
            TreeRemover.RemoveAll(dir);
    }
}
