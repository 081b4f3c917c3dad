using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.Engine.Native;

namespace Img.Engine.Snapshots.Storage;

/// <summary>
/// The metadata of a snapshotter's snapshots (containerd's <c>core/snapshots/storage</c>): one
/// record per key (<c>metadata/&lt;sha256(key)&gt;.json</c>, written to a temp file and renamed,
/// create-new for new keys), parent chains, the cross-process lock (<c>lock</c>, flock) that
/// every change takes, and crash recovery. Snapshot data is not its business: a record names its
/// data by <see cref="SnapshotRecord.Id"/>, and recovery is told which data exists and how to
/// delete it.
/// <para>
/// Records are not fsynced: the rename makes each one whole or absent for any process crash
/// (SIGKILL included), which is what the store promises. A power loss may lose or truncate
/// recent records, as it may lose recent snapshot contents (overlay upper directories are not
/// synced either, like BuildKit's); recovery drops records it cannot read, and their data with
/// them. Committed records never change, so they are kept in memory once read: walking a parent
/// chain costs no file reads (a new snapshot's direct parent is still read from disk, since
/// another process may have removed it).
/// </para>
/// </summary>
internal sealed class SnapshotMetadataStore
{
    private readonly string _metadataDir;
    private readonly string _lockPath;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, SnapshotRecord> _committed = new(StringComparer.Ordinal);
    private Task _recovered = Task.CompletedTask;

    /// <param name="root">The snapshotter's root; records go in <c>root/metadata</c>, the lock is <c>root/lock</c>.</param>
    public SnapshotMetadataStore(string root)
    {
        _metadataDir = Path.Join(root, "metadata");
        _lockPath = Path.Join(root, "lock");
        Directory.CreateDirectory(_metadataDir);
    }

    /// <summary>
    /// Runs <see cref="Recover"/> in the background: it reads every record, which a cached build
    /// (that may never touch a snapshot) should not wait for. Every later read or change waits
    /// for it first (and rethrows its failure).
    /// </summary>
    public void StartRecovery(Func<IReadOnlyList<string>> listData, Action<string> deleteData) =>
        _recovered = Task.Run(() => Recover(listData, deleteData));

    /// <summary>
    /// Removes what dead processes left: records of active snapshots and views whose owner
    /// (pid + start time) is gone, with their data; an active record duplicated by a finished
    /// commit; records that cannot be read (a power loss); data no record names; temp files of
    /// dead writers. Committed records are never removed.
    /// </summary>
    /// <param name="listData">The ids that have data now.</param>
    /// <param name="deleteData">Deletes the data of an id.</param>
    public void Recover(Func<IReadOnlyList<string>> listData, Action<string> deleteData)
    {
        using var held = Lock(waitForRecovery: false);
        // Data first, then records: data is only created after its record, so any id listed here
        // whose record is missing from the later listing is truly orphaned.
        var ids = listData();
        var records = ReadAll(deleteUnreadable: true);
        var committedIds = records.Where(r => r.Kind == SnapshotKind.Committed).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Kind == SnapshotKind.Committed)
                continue;
            if (committedIds.Contains(r.Id))
            {
                // Crash between writing the committed record and deleting the active one.
                File.Delete(RecordPath(r.Key));
                continue;
            }
            if (!ProcessIdentity.IsAlive(r.OwnerPid, r.OwnerStart))
            {
                File.Delete(RecordPath(r.Key));
                deleteData(r.Id);
            }
        }
        var live = ReadAll().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!live.Contains(id))
                deleteData(id);
        }
        foreach (var tmp in Directory.GetFiles(_metadataDir, "*.tmp*"))
            TryDeleteStaleTemp(tmp);
    }

    /// <exception cref="SnapshotNotFoundException">No record for <paramref name="key"/>.</exception>
    public SnapshotRecord Get(string key) => Recovered().TryGet(key) ?? throw new SnapshotNotFoundException(key);

    /// <summary>The record of <paramref name="key"/>, or null. <paramref name="cached"/>: a committed record read before may answer.</summary>
    public SnapshotRecord? TryGet(string key, bool cached = true)
    {
        if (cached && _committed.TryGetValue(key, out var known))
            return known;
        var path = RecordPath(key);
        if (Posix.TryLStat(path) is null)
        {
            // the usual answer when preparing or committing a new key: cheaper than an exception
            _committed.TryRemove(key, out _);
            return null;
        }
        try
        {
            var r = JsonSerializer.Deserialize(File.ReadAllBytes(path), SnapshotJsonContext.Default.SnapshotRecord);
            if (r is null || r.Key != key)
                return null;
            if (r.Kind == SnapshotKind.Committed)
                _committed[key] = r;
            return r;
        }
        catch (FileNotFoundException)
        {
            _committed.TryRemove(key, out _);
            return null;
        }
    }

    /// <summary>Every record, by key (ordinal).</summary>
    public IReadOnlyList<SnapshotRecord> Walk() =>
        Recovered().ReadAll().OrderBy(r => r.Key, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The data ids below a snapshot on <paramref name="parent"/>, nearest first; empty for none:
    /// the parent's, then (for a merge) the chains of what it stacks, top first, then the parent's
    /// parent's... This is the order of overlay lower directories.
    /// </summary>
    /// <exception cref="SnapshotException">A parent is missing, or the chain has a cycle.</exception>
    public IReadOnlyList<string> ParentIds(string? parent)
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
                throw new SnapshotException($"snapshot parent cycle at {parent}");
            var p = TryGet(parent) ?? throw new SnapshotNotFoundException(parent);
            ids.Add(p.Id);
            if (p.Stack is { } stack)
            {
                for (var i = stack.Count - 1; i >= 0; i--)
                {
                    // a chain may be stacked twice (and share a base): each walk has its own cycle check
                    AppendChain(stack[i], ids, new HashSet<string>(seen, StringComparer.Ordinal));
                }
            }
            parent = p.Parent;
        }
    }

    /// <summary>
    /// True when <paramref name="name"/> and every parent (and every chain a merge stacks) are
    /// committed records, checked on disk (another process may have removed one). Does not wait
    /// for recovery, which never removes committed records.
    /// </summary>
    public bool CommittedChainExists(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (string? key = name; !string.IsNullOrEmpty(key);)
        {
            if (!seen.Add(key) || Posix.TryLStat(RecordPath(key)) is null)
            {
                _committed.TryRemove(key, out _);
                return false;
            }
            var r = TryGet(key);
            if (r is null || r.Kind != SnapshotKind.Committed)
                return false;
            if (r.Stack is { } stack && !stack.All(CommittedChainExists))
                return false;
            key = r.Parent;
        }
        return true;
    }

    /// <summary>
    /// Records a new active snapshot or view owned by this process, with a fresh data id that
    /// <paramref name="idInUse"/> does not know. Returns the record and the parent chain's ids
    /// (without <paramref name="stack"/>: what a merge stacks lies above its parent, only what is
    /// made on the merge sees it).
    /// </summary>
    /// <param name="stack">For a merge: the committed snapshots it stacks on <paramref name="parent"/>, bottom first.</param>
    /// <exception cref="SnapshotException">The key exists, or the parent or a stacked snapshot is not committed.</exception>
    public (SnapshotRecord Record, IReadOnlyList<string> ParentIds) Create(
        string key, string? parent, SnapshotKind kind, IReadOnlyDictionary<string, string>? labels, Func<string, bool> idInUse,
        IReadOnlyList<string>? stack = null)
    {
        ValidateKey(key);
        using var held = Lock();
        if (TryGet(key) is not null)
            throw new SnapshotException($"snapshot {key} already exists");
        IReadOnlyList<string> parentIds = [];
        if (!string.IsNullOrEmpty(parent))
        {
            var p = TryGet(parent, cached: false) ?? throw new SnapshotNotFoundException(parent);
            if (p.Kind != SnapshotKind.Committed)
                throw new SnapshotException($"parent {parent} is not a committed snapshot ({p.Kind.ToString().ToLowerInvariant()})");
            parentIds = ParentIds(parent);
        }
        foreach (var stacked in stack ?? [])
        {
            // from disk, as the parent: under the lock, so no other process removes it before the record names it
            var s = TryGet(stacked, cached: false) ?? throw new SnapshotNotFoundException(stacked);
            if (s.Kind != SnapshotKind.Committed)
                throw new SnapshotException($"snapshot {stacked} is not committed ({s.Kind.ToString().ToLowerInvariant()}); only committed snapshots can be merged");
        }
        string id;
        do
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        }
        while (idInUse(id));
        var now = DateTimeOffset.UtcNow;
        var record = new SnapshotRecord
        {
            Key = key,
            Id = id,
            Kind = kind,
            Parent = string.IsNullOrEmpty(parent) ? null : parent,
            Stack = stack?.ToList(),
            Created = now,
            Updated = now,
            Labels = labels is null ? new(StringComparer.Ordinal) : new(labels, StringComparer.Ordinal),
            OwnerPid = ProcessIdentity.CurrentPid,
            OwnerStart = ProcessIdentity.CurrentStart,
        };
        Write(record, createNew: true);
        return (record, parentIds);
    }

    /// <summary>Turns the active <paramref name="key"/> into the committed <paramref name="name"/>, labels merged; the data id stays.</summary>
    /// <exception cref="SnapshotException"><paramref name="key"/> is not active, or <paramref name="name"/> exists.</exception>
    public SnapshotRecord Commit(string name, string key, IReadOnlyDictionary<string, string>? labels)
    {
        ValidateKey(name);
        using var held = Lock();
        var active = Get(key);
        if (active.Kind != SnapshotKind.Active)
            throw new SnapshotException($"snapshot {key} is not active ({active.Kind.ToString().ToLowerInvariant()}); only active snapshots can be committed");
        if (TryGet(name) is not null)
            throw new SnapshotException($"snapshot {name} already exists");
        var merged = new Dictionary<string, string>(active.Labels, StringComparer.Ordinal);
        if (labels is not null)
        {
            foreach (var kv in labels)
                merged[kv.Key] = kv.Value;
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
        // the committed record first: a crash between the two leaves a duplicate recovery deletes
        Write(committed, createNew: true);
        _committed[name] = committed;
        File.Delete(RecordPath(key));
        return committed;
    }

    /// <summary>Deletes the record of <paramref name="key"/> and returns it; its data is the caller's to delete, after.</summary>
    /// <exception cref="SnapshotException">A committed snapshot that is still a parent, or that a merge stacks.</exception>
    public SnapshotRecord Remove(string key)
    {
        using var held = Lock();
        var r = Get(key);
        if (r.Kind == SnapshotKind.Committed)
        {
            // a merge's lower layers include what it stacks: those are its parents too
            var children = ReadAll().Where(c => c.Parent == key || c.Stack?.Contains(key) == true).Select(c => c.Key).Order(StringComparer.Ordinal).ToArray();
            if (children.Length > 0)
                throw new SnapshotException($"cannot remove snapshot {key}: it is the parent of {string.Join(", ", children)}");
        }
        File.Delete(RecordPath(key));
        _committed.TryRemove(key, out _);
        return r;
    }

    /// <summary>Takes back a <see cref="Create"/> whose data could not be made; <paramref name="deleteData"/> runs under the lock.</summary>
    public void Discard(string key, string id, Action<string> deleteData)
    {
        using var held = Lock();
        File.Delete(RecordPath(key));
        deleteData(id);
    }

    private List<SnapshotRecord> ReadAll(bool deleteUnreadable = false)
    {
        var list = new List<SnapshotRecord>();
        foreach (var f in Directory.EnumerateFiles(_metadataDir, "*.json"))
        {
            try
            {
                var r = JsonSerializer.Deserialize(File.ReadAllBytes(f), SnapshotJsonContext.Default.SnapshotRecord);
                if (r is not null)
                    list.Add(r);
            }
            catch (FileNotFoundException)
            {
                // removed concurrently
            }
            catch (JsonException) when (deleteUnreadable)
            {
                // Only a power loss truncates a record (they are renamed into place whole). Its
                // data has no record now and is deleted as an orphan.
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

    private void Write(SnapshotRecord r, bool createNew)
    {
        var path = RecordPath(r.Key);
        var tmp = $"{path}.tmp{ProcessIdentity.CurrentPid}.{Environment.CurrentManagedThreadId}";
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
            throw new ArgumentException("snapshot key must not be empty", nameof(key));
    }

    private static void TryDeleteStaleTemp(string tmp)
    {
        var at = tmp.LastIndexOf(".tmp", StringComparison.Ordinal);
        var rest = tmp[(at + 4)..];
        var dot = rest.IndexOf('.');
        if (dot > 0 && int.TryParse(rest[..dot], out var pid) && pid != ProcessIdentity.CurrentPid && !Directory.Exists($"/proc/{pid}"))
            File.Delete(tmp);
    }

    /// <summary>This store, once the background recovery has finished (rethrowing its failure).</summary>
    private SnapshotMetadataStore Recovered()
    {
        _recovered.GetAwaiter().GetResult();
        return this;
    }

    /// <summary>
    /// The lock of metadata changes: a monitor for this process's threads, then an exclusive open
    /// of the lock file for other processes (retried every 5 ms, for up to 30 s).
    /// </summary>
    private IDisposable Lock(bool waitForRecovery = true)
    {
        if (waitForRecovery)
            Recovered();
        Monitor.Enter(_gate);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var fs = new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Releaser(_gate, fs);
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

    private sealed class Releaser(object gate, FileStream file) : IDisposable
    {
        public void Dispose()
        {
            file.Dispose();
            Monitor.Exit(gate);
        }
    }
}
