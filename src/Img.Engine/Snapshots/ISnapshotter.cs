using Img.Engine.Mounts;

namespace Img.Engine.Snapshots;

/// <summary>
/// Stores filesystem snapshots as layered trees and hands out the <see cref="Mount"/>s that
/// make one visible, in containerd's vocabulary.
/// <para>
/// Words: a <b>key</b> names an active snapshot or a view (something that is being used); a
/// <b>name</b> names a committed snapshot (immutable, a possible parent). Keys and names share
/// one namespace. A <b>parent</b> is always a committed snapshot's name.
/// </para>
/// <para>
/// Lifecycle, e.g. running one build step or importing a layer:
/// <list type="number">
/// <item><c>PrepareAsync(key, parentName)</c> returns the mounts of a new writable snapshot
/// whose contents start as the parent's; mount them and change files through them.</item>
/// <item>Unmount, then <c>CommitAsync(name, key)</c> turns the active snapshot into the committed
/// snapshot <c>name</c>; <c>key</c> no longer exists.</item>
/// <item>Or <c>RemoveAsync(key)</c> throws the changes away.</item>
/// </list>
/// <c>ViewAsync(key, parentName)</c> gives read-only mounts of a committed snapshot (to read it or
/// diff against it); it is removed, never committed. A committed snapshot cannot be removed while
/// any snapshot names it as parent.
/// </para>
/// <para>
/// Metadata survives the process: a new instance on the same root sees every committed
/// snapshot; active snapshots and views left behind by a process that died are removed when a
/// snapshotter is opened.
/// </para>
/// </summary>
public interface ISnapshotter : IDisposable
{
    /// <summary>The backend name: <c>overlayfs</c>, <c>native</c> or <c>fuse-overlayfs</c>.</summary>
    string Name { get; }

    /// <summary>The directory that holds this snapshotter's data and metadata.</summary>
    string Root { get; }

    /// <summary>Information about a snapshot; throws <see cref="SnapshotNotFoundException"/>.</summary>
    SnapshotInfo Stat(string key);

    /// <summary>The mounts of an active snapshot or view (the same ones Prepare/View returned).</summary>
    IReadOnlyList<Mount> Mounts(string key);

    /// <summary>Creates an active snapshot <paramref name="key"/> on top of the committed <paramref name="parent"/> (or empty).</summary>
    Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default);

    /// <summary>Creates a read-only view <paramref name="key"/> of the committed <paramref name="parent"/> (or empty).</summary>
    Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default);

    /// <summary>Turns the active snapshot <paramref name="key"/> into the committed snapshot <paramref name="name"/>. The snapshot must be unmounted.</summary>
    Task<SnapshotInfo> CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default);

    /// <summary>
    /// Commits <paramref name="name"/> as the stack of the committed snapshots
    /// <paramref name="layers"/> (bottom first; BuildKit's merge): the first is its parent and every
    /// further one's tree lies above it, as if its layers were applied in order. Overlay backends
    /// stack the directories without copying; native copies. A stacked snapshot cannot be removed
    /// while the merge exists.
    /// </summary>
    Task<SnapshotInfo> MergeAsync(string name, IReadOnlyList<string> layers, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default);

    /// <summary>Removes a snapshot and its data; refused for a committed snapshot that still has children.</summary>
    Task RemoveAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// True when <paramref name="name"/> and every ancestor are committed snapshots, so mounting it
    /// works: the check a cached result gets before a build relies on it (its snapshot may have
    /// been pruned). Does not wait for crash recovery, which never touches committed snapshots.
    /// </summary>
    bool CommittedChainExists(string name);

    /// <summary>Every snapshot, in key order.</summary>
    IReadOnlyList<SnapshotInfo> Walk();

    /// <summary>The disk space a snapshot's own data takes (for an active snapshot: so far).</summary>
    Task<SnapshotUsage> UsageAsync(string key, CancellationToken ct = default);
}
