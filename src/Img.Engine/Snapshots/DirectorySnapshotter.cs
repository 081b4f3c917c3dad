using System.Security.Cryptography;
using Img.Engine.Mounts;
using Img.Engine.Snapshots.Storage;

namespace Img.Engine.Snapshots;

/// <summary>
/// An <see cref="ISnapshotter"/> made of a metadata store (<see cref="SnapshotMetadataStore"/>:
/// records, parent chains, lock, recovery), snapshot data directories
/// (<see cref="SnapshotDirectories"/>) and a backend (<see cref="ISnapshotBackend"/>: how a
/// directory is filled and mounted). A record is written before its directory exists and deleted
/// before its directory is, so recovery can tell orphans from snapshots in use.
/// </summary>
public sealed class DirectorySnapshotter : ISnapshotter
{
    private readonly ISnapshotBackend _backend;
    private readonly SnapshotMetadataStore _store;
    private readonly SnapshotDirectories _directories;

    /// <summary>Opens (or creates) the snapshotter at <paramref name="root"/>; crash recovery starts in the background.</summary>
    public DirectorySnapshotter(string root, ISnapshotBackend backend)
    {
        Root = Path.GetFullPath(root);
        _backend = backend;
        _store = new SnapshotMetadataStore(Root);
        _directories = new SnapshotDirectories(Path.Join(Root, "snapshots"));
        _store.StartRecovery(_directories.List, _directories.Delete);
    }

    /// <inheritdoc/>
    public string Name => _backend.Name;

    /// <inheritdoc/>
    public string Root { get; }

    /// <summary>The backend that fills and mounts this snapshotter's directories.</summary>
    public ISnapshotBackend Backend => _backend;

    /// <inheritdoc/>
    public SnapshotInfo Stat(string key) => _store.Get(key).ToInfo();

    /// <inheritdoc/>
    public IReadOnlyList<Mount> Mounts(string key)
    {
        var r = _store.Get(key);
        return _backend.Mounts(_directories, r.Id, r.Kind, _store.ParentIds(r.Parent));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => Create(key, parent, SnapshotKind.Active, labels, stack: null, ct).Mounts, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => Create(key, parent, SnapshotKind.View, labels, stack: null, ct).Mounts, ct);

    /// <inheritdoc/>
    public Task<SnapshotInfo> CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => _store.Commit(name, key, labels).ToInfo(), ct);

    /// <inheritdoc/>
    public Task<SnapshotInfo> MergeAsync(string name, IReadOnlyList<string> layers, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count < 2)
            throw new ArgumentException("a merge stacks at least two snapshots", nameof(layers));
        return Task.Run(() =>
        {
            // An active snapshot first, committed once filled: a crash mid-way leaves an active
            // record of a dead process, which recovery removes, never a half-filled committed one.
            var key = "merge-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var stack = layers.Skip(1).ToList();
            var (record, _) = Create(key, layers[0], SnapshotKind.Active, labels, stack, ct);
            try
            {
                _backend.StackSnapshots(_directories, record.Id, stack.Select(s => _store.Get(s).Id).ToList(), ct);
                return _store.Commit(name, key, null).ToInfo();
            }
            catch
            {
                _store.Discard(key, record.Id, _directories.Delete);
                throw;
            }
        }, ct);
    }

    /// <inheritdoc/>
    public Task RemoveAsync(string key, CancellationToken ct = default) => Task.Run(() =>
    {
        var removed = _store.Remove(key);
        // After the record: a crash here leaves an orphan directory that the next open deletes.
        _directories.Delete(removed.Id);
    }, ct);

    /// <inheritdoc/>
    public bool CommittedChainExists(string name) => _store.CommittedChainExists(name);

    /// <inheritdoc/>
    public IReadOnlyList<SnapshotInfo> Walk() => _store.Walk().Select(r => r.ToInfo()).ToList();

    /// <inheritdoc/>
    public Task<SnapshotUsage> UsageAsync(string key, CancellationToken ct = default)
    {
        var r = _store.Get(key);
        var dir = _backend.UsageDirectory(_directories, r.Id);
        return Task.Run(() => Directory.Exists(dir) ? DiskUsage.Measure(dir, ct) : new SnapshotUsage(0, 0), ct);
    }

    /// <summary>Nothing to release: every operation opens and closes what it uses.</summary>
    public void Dispose() => GC.SuppressFinalize(this);

    private (SnapshotRecord Record, IReadOnlyList<Mount> Mounts) Create(
        string key, string? parent, SnapshotKind kind, IReadOnlyDictionary<string, string>? labels, IReadOnlyList<string>? stack, CancellationToken ct)
    {
        var (record, parentIds) = _store.Create(key, parent, kind, labels, _directories.Exists, stack);
        try
        {
            // A view of a committed snapshot presents that snapshot's tree and has no data of its
            // own: no directory to make now and remove again (each removal waits for the device
            // on a disk mounted with discard; an export makes two views per layer).
            if (kind != SnapshotKind.View || parentIds.Count == 0)
            {
                Directory.CreateDirectory(_directories.Of(record.Id));
                _backend.CreateSnapshot(_directories, record.Id, kind, parentIds, ct);
            }
            return (record, _backend.Mounts(_directories, record.Id, kind, parentIds));
        }
        catch
        {
            _store.Discard(key, record.Id, _directories.Delete);
            throw;
        }
    }
}
