using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Snapshots;

/// <summary>
/// What every directory-backed snapshotter shares: metadata records (one small JSON file per
/// snapshot, written to a temp file and renamed), one data directory per snapshot
/// (<c>snapshots/&lt;id&gt;/</c> with the tree in <c>fs/</c>), a cross-process lock for metadata
/// changes, and crash recovery when opened. Backends decide how a snapshot's directory is
/// filled and which mounts present it.
/// <para>
/// Records are not fsynced: the rename makes each one whole or absent for any process crash
/// (SIGKILL included), which is what the store promises. A power loss may lose or truncate
/// recent records, as it may lose recent snapshot contents (overlay upper directories are not
/// synced either, like BuildKit's); opening drops records it cannot read with their directories.
/// Committed records never change, so they are kept in memory once read: walking a parent chain
/// costs no file reads (the direct parent of a new snapshot is still read from disk).
/// </para>
/// </summary>
public abstract class SnapshotterBase : ISnapshotter
{
    private readonly string _metadataDir;
    private readonly string _snapshotsDir;
    private readonly string _lockPath;
    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SnapshotRecord> _committed = new(StringComparer.Ordinal);
    private Task _recovered = Task.CompletedTask;
    private bool _disposed;

    protected SnapshotterBase(string root)
    {
        Root = Path.GetFullPath(root);
        _metadataDir = Path.Join(Root, "metadata");
        _snapshotsDir = Path.Join(Root, "snapshots");
        _lockPath = Path.Join(Root, "lock");
        Directory.CreateDirectory(_metadataDir);
        Directory.CreateDirectory(_snapshotsDir);
        // Snapshots are unrelated trees: on ext4 each then starts in its own block group. Packed
        // next to each other, a new snapshot's inodes come from the groups where the previous
        // build's just-deleted ones were, and without a journal ext4 skips recently deleted
        // inodes one by one: about 15 ms per RUN step right after emptying a state directory.
        Posix.TrySetTopDirectory(_snapshotsDir);
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public string Root { get; }

    /// <summary>
    /// Removes what a dead process left behind, in the background: it reads every record, which
    /// a cached build (that may never touch a snapshot) should not wait for. Every operation that
    /// takes the lock waits for it first. Subclasses call this at the end of their constructor.
    /// </summary>
    protected void Recover() => _recovered = Task.Run(RecoverNow);

    private void RecoverNow()
    {
        using var _ = Lock(waitForRecovery: false);
        // Directories first, then records: a directory is only created after its record, so any
        // directory listed here whose record is missing from the later listing is truly orphaned.
        string[] dirs = Directory.GetDirectories(_snapshotsDir).Select(Path.GetFileName).OfType<string>().ToArray();
        var records = ReadAllRecords(deleteUnreadable: true);
        var committedIds = records.Where(r => r.Kind == SnapshotKind.Committed).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (SnapshotRecord r in records)
        {
            if (r.Kind == SnapshotKind.Committed)
            {
                continue;
            }
            if (committedIds.Contains(r.Id))
            {
                // Crash between writing the committed record and deleting the active one.
                File.Delete(RecordPath(r.Key));
                continue;
            }
            if (!ProcessIdentity.IsAlive(r.OwnerPid, r.OwnerStart))
            {
                File.Delete(RecordPath(r.Key));
                DeleteSnapshotDirectory(r.Id);
            }
        }
        var live = ReadAllRecords().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (string d in dirs)
        {
            if (!live.Contains(d))
            {
                DeleteSnapshotDirectory(d);
            }
        }
        foreach (string tmp in Directory.GetFiles(_metadataDir, "*.tmp*"))
        {
            TryDeleteStaleTemp(tmp);
        }
    }

    /// <inheritdoc/>
    public SnapshotInfo Stat(string key) => Get(key).ToInfo();

    /// <inheritdoc/>
    public IReadOnlyList<Mount> Mounts(string key)
    {
        SnapshotRecord r = Get(key);
        return BuildMounts(r.Id, r.Kind, ParentIds(r.Parent));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Mount>> PrepareAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => Create(key, parent, SnapshotKind.Active, labels, null, ct), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Mount>> ViewAsync(string key, string? parent, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => Create(key, parent, SnapshotKind.View, labels, null, ct), ct);

    /// <inheritdoc/>
    public Task<SnapshotInfo> CommitAsync(string name, string key, IReadOnlyDictionary<string, string>? labels = null, CancellationToken ct = default) =>
        Task.Run(() => Commit(name, key, labels), ct);

    /// <inheritdoc/>
    public Task RemoveAsync(string key, CancellationToken ct = default) => Task.Run(() => Remove(key), ct);

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
            string key = "merge-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var stack = layers.Skip(1).ToList();
            Create(key, layers[0], SnapshotKind.Active, labels, stack, ct);
            try
            {
                string id = Get(key).Id;
                StackSnapshots(id, stack.Select(s => Get(s).Id).ToList(), ct);
                return Commit(name, key, null);
            }
            catch
            {
                try
                {
                    Remove(key);
                }
                catch (SnapshotException)
                {
                }
                throw;
            }
        }, ct);
    }

    /// <inheritdoc/>
    public bool CommittedChainExists(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? key = name; !string.IsNullOrEmpty(key);)
        {
            // the record file, not the in-memory copy: another process may have removed it
            if (!seen.Add(key) || Posix.TryLStat(RecordPath(key)) is null)
            {
                _committed.TryRemove(key, out _);
                return false;
            }
            SnapshotRecord? r = TryGet(key);
            if (r is null || r.Kind != SnapshotKind.Committed)
            {
                return false;
            }
            if (r.Stack is { } stack && !stack.All(CommittedChainExists))
            {
                return false;
            }
            key = r.Parent;
        }
        return true;
    }

    /// <inheritdoc/>
    public IReadOnlyList<SnapshotInfo> Walk() =>
        Recovered().ReadAllRecords().OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.ToInfo()).ToList();

    /// <inheritdoc/>
    public Task<SnapshotUsage> UsageAsync(string key, CancellationToken ct = default)
    {
        SnapshotRecord r = Get(key);
        string dir = UsageDirectory(r.Id);
        return Task.Run(() => Directory.Exists(dir) ? Measure(dir, ct) : new SnapshotUsage(0, 0), ct);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            GC.SuppressFinalize(this);
        }
    }

    // ---- for backends ----

    /// <summary>The directory of one snapshot's data.</summary>
    protected string SnapshotDirectory(string id) => Path.Join(_snapshotsDir, id);

    /// <summary>The tree of one snapshot (the overlay upper directory, or the native copy).</summary>
    protected string FsDirectory(string id) => Path.Join(_snapshotsDir, id, "fs");

    /// <summary>
    /// Creates the data directory of a new snapshot. <paramref name="parentIds"/> lists the parent
    /// chain, nearest first. Not called for a view with a parent: it has no directory.
    /// </summary>
    protected abstract void CreateSnapshot(string id, SnapshotKind kind, IReadOnlyList<string> parentIds, CancellationToken ct);

    /// <summary>The mounts that present a snapshot. <paramref name="parentIds"/> lists the parent chain, nearest first.</summary>
    protected abstract IReadOnlyList<Mount> BuildMounts(string id, SnapshotKind kind, IReadOnlyList<string> parentIds);

    /// <summary>
    /// Fills an active merge snapshot, already prepared on the merge's parent, with the trees of
    /// <paramref name="stackedIds"/> (bottom first). Overlay backends do nothing: the stacked
    /// directories are lower layers of whatever is mounted on the merge.
    /// </summary>
    protected virtual void StackSnapshots(string id, IReadOnlyList<string> stackedIds, CancellationToken ct)
    {
    }

    /// <summary>The directory whose size <see cref="UsageAsync"/> reports.</summary>
    protected virtual string UsageDirectory(string id) => FsDirectory(id);

    // ---- implementation ----

    private IReadOnlyList<Mount> Create(string key, string? parent, SnapshotKind kind, IReadOnlyDictionary<string, string>? labels, List<string>? stack, CancellationToken ct)
    {
        ValidateKey(key);
        string id;
        IReadOnlyList<string> parentIds;
        using (Lock())
        {
            if (TryGet(key) is not null)
            {
                throw new SnapshotException($"snapshot {key} already exists");
            }
            parentIds = [];
            if (!string.IsNullOrEmpty(parent))
            {
                SnapshotRecord p = TryGet(parent, cached: false) ?? throw new SnapshotNotFoundException(parent);
                if (p.Kind != SnapshotKind.Committed)
                {
                    throw new SnapshotException($"parent {parent} is not a committed snapshot ({p.Kind.ToString().ToLowerInvariant()})");
                }
                parentIds = ParentIds(parent);
            }
            foreach (string stacked in stack ?? [])
            {
                SnapshotRecord s = TryGet(stacked, cached: false) ?? throw new SnapshotNotFoundException(stacked);
                if (s.Kind != SnapshotKind.Committed)
                {
                    throw new SnapshotException($"snapshot {stacked} is not committed ({s.Kind.ToString().ToLowerInvariant()}); only committed snapshots can be merged");
                }
            }
            do
            {
                id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
            }
            while (Directory.Exists(SnapshotDirectory(id)));
            DateTimeOffset now = DateTimeOffset.UtcNow;
            WriteRecord(new SnapshotRecord
            {
                Key = key,
                Id = id,
                Kind = kind,
                Parent = string.IsNullOrEmpty(parent) ? null : parent,
                Stack = stack,
                Created = now,
                Updated = now,
                Labels = labels is null ? new(StringComparer.Ordinal) : new(labels, StringComparer.Ordinal),
                OwnerPid = ProcessIdentity.CurrentPid,
                OwnerStart = ProcessIdentity.CurrentStart,
            }, createNew: true);
        }
        try
        {
            // A view of a committed snapshot presents that snapshot's tree and has no data of its
            // own: no directory to make now and remove again (each removal waits for the device
            // on a disk mounted with discard; an export makes two views per layer).
            if (kind != SnapshotKind.View || parentIds.Count == 0)
            {
                Directory.CreateDirectory(SnapshotDirectory(id));
                CreateSnapshot(id, kind, parentIds, ct);
            }
            return BuildMounts(id, kind, parentIds);
        }
        catch
        {
            using (Lock())
            {
                File.Delete(RecordPath(key));
                DeleteSnapshotDirectory(id);
            }
            throw;
        }
    }

    private SnapshotInfo Commit(string name, string key, IReadOnlyDictionary<string, string>? labels)
    {
        ValidateKey(name);
        using var _ = Lock();
        SnapshotRecord active = Get(key);
        if (active.Kind != SnapshotKind.Active)
        {
            throw new SnapshotException($"snapshot {key} is not active ({active.Kind.ToString().ToLowerInvariant()}); only active snapshots can be committed");
        }
        if (TryGet(name) is not null)
        {
            throw new SnapshotException($"snapshot {name} already exists");
        }
        var merged = new Dictionary<string, string>(active.Labels, StringComparer.Ordinal);
        if (labels is not null)
        {
            foreach (var kv in labels)
            {
                merged[kv.Key] = kv.Value;
            }
        }
        var committed = active with
        {
            Key = name,
            Kind = SnapshotKind.Committed,
            Updated = DateTimeOffset.UtcNow,
            Labels = merged,
            OwnerPid = 0,
            OwnerStart = 0,
        };
        WriteRecord(committed, createNew: true);
        _committed[name] = committed;
        File.Delete(RecordPath(key));
        return committed.ToInfo();
    }

    private void Remove(string key)
    {
        string id;
        using (Lock())
        {
            SnapshotRecord r = Get(key);
            if (r.Kind == SnapshotKind.Committed)
            {
                string[] children = ReadAllRecords().Where(c => c.Parent == key || c.Stack?.Contains(key) == true).Select(c => c.Key).Order(StringComparer.Ordinal).ToArray();
                if (children.Length > 0)
                {
                    throw new SnapshotException($"cannot remove snapshot {key}: it is the parent of {string.Join(", ", children)}");
                }
            }
            File.Delete(RecordPath(key));
            _committed.TryRemove(key, out _);
            id = r.Id;
        }
        // Outside the lock: a crash here leaves an orphan directory that the next open deletes.
        DeleteSnapshotDirectory(id);
    }

    /// <summary>
    /// The directories below a snapshot on <paramref name="parent"/>, nearest first: the parent's,
    /// then (for a merge) the chains of what it stacks, top first, then the parent's parent's...
    /// </summary>
    private IReadOnlyList<string> ParentIds(string? parent)
    {
        var ids = new List<string>();
        AppendChain(parent, ids, new HashSet<string>(StringComparer.Ordinal));
        return ids;
    }

    private void AppendChain(string? parent, List<string> ids, HashSet<string> seen)
    {
        while (!string.IsNullOrEmpty(parent))
        {
            if (!seen.Add(parent))
            {
                throw new SnapshotException($"snapshot parent cycle at {parent}");
            }
            SnapshotRecord p = TryGet(parent) ?? throw new SnapshotNotFoundException(parent);
            ids.Add(p.Id);
            if (p.Stack is { } stack)
            {
                for (int i = stack.Count - 1; i >= 0; i--)
                {
                    // a chain may be stacked twice (and share a base): each walk has its own cycle check
                    AppendChain(stack[i], ids, new HashSet<string>(seen, StringComparer.Ordinal));
                }
            }
            parent = p.Parent;
        }
    }

    private SnapshotRecord Get(string key) => Recovered().TryGet(key) ?? throw new SnapshotNotFoundException(key);

    private SnapshotRecord? TryGet(string key, bool cached = true)
    {
        if (cached && _committed.TryGetValue(key, out var known))
        {
            return known;
        }
        string path = RecordPath(key);
        if (Posix.TryLStat(path) is null)
        {
            // the usual answer when preparing or committing a new key: cheaper than an exception
            _committed.TryRemove(key, out _);
            return null;
        }
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            SnapshotRecord? r = JsonSerializer.Deserialize(bytes, SnapshotJsonContext.Default.SnapshotRecord);
            if (r is null || r.Key != key)
            {
                return null;
            }
            if (r.Kind == SnapshotKind.Committed)
            {
                _committed[key] = r;
            }
            return r;
        }
        catch (FileNotFoundException)
        {
            _committed.TryRemove(key, out _);
            return null;
        }
    }

    private List<SnapshotRecord> ReadAllRecords(bool deleteUnreadable = false)
    {
        var list = new List<SnapshotRecord>();
        foreach (string f in Directory.EnumerateFiles(_metadataDir, "*.json"))
        {
            try
            {
                SnapshotRecord? r = JsonSerializer.Deserialize(File.ReadAllBytes(f), SnapshotJsonContext.Default.SnapshotRecord);
                if (r is not null)
                {
                    list.Add(r);
                }
            }
            catch (FileNotFoundException)
            {
                // removed concurrently
            }
            catch (JsonException) when (deleteUnreadable)
            {
                // Only a power loss truncates a record (they are renamed into place whole). Its
                // directory has no record now and is deleted as an orphan.
                File.Delete(f);
            }
            catch (JsonException e)
            {
                throw new SnapshotException($"corrupt snapshot metadata {f}: {e.Message}", e);
            }
        }
        return list;
    }

    private string RecordPath(string key) =>
        Path.Join(_metadataDir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private void WriteRecord(SnapshotRecord r, bool createNew)
    {
        string path = RecordPath(r.Key);
        string tmp = $"{path}.tmp{ProcessIdentity.CurrentPid}.{Environment.CurrentManagedThreadId}";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(fs, r, SnapshotJsonContext.Default.SnapshotRecord);
        }
        try
        {
            File.Move(tmp, path, overwrite: !createNew);
        }
        catch (IOException) when (createNew && File.Exists(path))
        {
            File.Delete(tmp);
            throw new SnapshotException($"snapshot {r.Key} already exists");
        }
    }

    private static void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("snapshot key must not be empty", nameof(key));
        }
    }

    private void DeleteSnapshotDirectory(string id)
    {
        string dir = SnapshotDirectory(id);
        if (Directory.Exists(dir))
        {
            TreeRemover.RemoveAll(dir);
        }
    }

    private static void TryDeleteStaleTemp(string tmp)
    {
        int at = tmp.LastIndexOf(".tmp", StringComparison.Ordinal);
        string rest = tmp[(at + 4)..];
        int dot = rest.IndexOf('.');
        if (dot > 0 && int.TryParse(rest[..dot], out int pid) && pid != ProcessIdentity.CurrentPid && !Directory.Exists($"/proc/{pid}"))
        {
            File.Delete(tmp);
        }
    }

    /// <summary>This snapshotter, once the background recovery has finished (rethrowing its failure).</summary>
    private SnapshotterBase Recovered()
    {
        _recovered.GetAwaiter().GetResult();
        return this;
    }

    private IDisposable Lock(bool waitForRecovery = true)
    {
        if (waitForRecovery)
            Recovered();
        Monitor.Enter(_gate);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    var fs = new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Releaser(this, fs);
                }
                catch (IOException) when (attempt < 6000)
                {
                    Thread.Sleep(5);
                }
            }
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    /// <summary>Disk usage of a directory tree, each inode once (also for directories that are not snapshots: cache mounts).</summary>
    internal static SnapshotUsage Measure(string dir, CancellationToken ct)
    {
        long size = 0, inodes = 0;
        var seen = new HashSet<ulong>();
        var stack = new Stack<string>();
        stack.Push(dir);
        while (stack.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            string d = stack.Pop();
            foreach (string entry in Directory.EnumerateFileSystemEntries(d))
            {
                FileStatus st = Posix.LStat(entry);
                if (st.Links > 1 && !st.IsDirectory && !seen.Add(st.Inode))
                {
                    continue;
                }
                inodes++;
                size += st.Blocks * 512;
                if (st.IsDirectory)
                {
                    stack.Push(entry);
                }
            }
        }
        return new SnapshotUsage(size, inodes);
    }

    private sealed class Releaser(SnapshotterBase owner, FileStream file) : IDisposable
    {
        public void Dispose()
        {
            file.Dispose();
            Monitor.Exit(owner._gate);
        }
    }
}
