using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution;

/// <summary>
/// Keeps mount points out of the layer, as BuildKit does: before the run, records every mount
/// destination (and missing parent) that does not exist in the rootfs yet, because the runtime
/// will create it as an empty file or directory; after the run, removes those that are still
/// empty. A parent directory whose entries are, after removal, the same names as before the
/// run gets its pre-run timestamps back (its mtime changed only because of the stub), so the
/// diff does not see it either. (BuildKit restores the timestamps the parent had after the
/// stub was created, which still differ from the lower layer.)
/// <para>
/// On a kernel overlay rootfs, stubs that had no entry in the upper directory before the run
/// (none hidden a lower file) are not deleted through the mount but moved out of the upper
/// directory after unmounting, into the overlay work directory: removing a directory on a disk
/// mounted with <c>discard</c> waits for the device (0.7-3 ms each on the benchmark VM, and a
/// step whose image lacks /etc/hosts gets one), a rename does not. The work directory goes
/// with the snapshot.
/// </para>
/// </summary>
public sealed class MountStubs
{
    private readonly string _rootfs;
    private readonly List<string> _created = new();
    private readonly Dictionary<string, (FileStatus Status, string[] Names)> _parents = new(StringComparer.Ordinal);
    private readonly string? _upper;
    private readonly string? _work;
    private readonly HashSet<string> _movable = new(StringComparer.Ordinal);

    private MountStubs(string rootfs, string? upper, string? work)
    {
        _rootfs = rootfs;
        _upper = upper;
        _work = work;
    }

    /// <summary>
    /// Records which of <paramref name="destinations"/> are missing under <paramref name="rootfs"/>.
    /// <paramref name="rootfsMounts"/>, the mounts that make up the rootfs, lets stubs on a writable
    /// kernel overlay be moved out of its upper directory instead of deleted.
    /// </summary>
    public static MountStubs Record(string rootfs, IEnumerable<string> destinations, IReadOnlyList<Mount>? rootfsMounts = null)
    {
        var overlay = rootfsMounts is [{ Type: "overlay" } m] && string.IsNullOrEmpty(m.Target) ? m : null;
        var stubs = new MountStubs(rootfs, overlay?.Option("upperdir"), overlay?.Option("workdir"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dest in destinations)
        {
            if (dest.Trim('/').Length == 0)
            {
                continue;
            }
            string host = RootfsPath.Resolve(rootfs, dest);
            while (host.Length > rootfs.Length && Posix.TryLStat(host) is null)
            {
                if (seen.Add(host))
                {
                    stubs._created.Add(host);
                    if (stubs._upper is not null && stubs._work is not null && Posix.TryLStat(stubs.InUpper(host)) is null)
                    {
                        stubs._movable.Add(host);
                    }
                }
                host = Path.GetDirectoryName(host)!;
            }
            if (stubs._created.Count > 0 && !stubs._parents.ContainsKey(host) && Posix.TryLStat(host) is { IsDirectory: true } pst)
            {
                stubs._parents[host] = (pst, Names(host));
            }
        }
        return stubs;
    }

    /// <summary>Paths that were missing (deepest first within each destination).</summary>
    public IReadOnlyList<string> Paths => _created;

    /// <summary>Removes the stubs that are still empty, restoring parent timestamps (the rootfs stays mounted).</summary>
    public void Clean() => CleanAndUnmount(null);

    /// <summary>
    /// Removes the stubs that are still empty and restores parent timestamps, calling
    /// <paramref name="unmount"/> (which takes the rootfs down) on the way, even when cleaning fails.
    /// </summary>
    public void CleanAndUnmount(Action? unmount)
    {
        var moves = new List<string>();
        var times = new Dictionary<string, FileStatus>(StringComparer.Ordinal);
        try
        {
            foreach (string p in _created.OrderByDescending(p => p.Length))
            {
                FileStatus? st = Posix.TryLStat(p);
                // stubs already queued to move count as gone: a created parent goes with its stubs
                if (st is null || (st.Value.IsDirectory ? Directory.EnumerateFileSystemEntries(p).Any(e => !moves.Contains(e)) : st.Value.Size != 0))
                {
                    continue;
                }
                string parent = Path.GetDirectoryName(p)!;
                if (Posix.TryLStat(parent) is FileStatus before)
                {
                    times.TryAdd(parent, before); // the times before any stub in it goes
                }
                if (unmount is not null && _movable.Contains(p))
                {
                    moves.Add(p);
                    continue;
                }
                Delete(p, st.Value.IsDirectory);
            }
            foreach (string parent in times.Keys.ToList())
            {
                if (_parents.TryGetValue(parent, out var recorded) &&
                    Names(parent).Where(n => !moves.Contains(Path.Join(parent, n))).SequenceEqual(recorded.Names))
                {
                    times[parent] = recorded.Status;
                }
            }
            if (moves.Count == 0)
            {
                Restore(times, p => p);
            }
        }
        finally
        {
            unmount?.Invoke();
        }
        if (moves.Count > 0)
        {
            MoveOutOfUpper(moves);
            Restore(times, InUpper);
        }
    }

    private void MoveOutOfUpper(List<string> stubs)
    {
        string trash = Path.Join(_work!, "img-stubs");
        Directory.CreateDirectory(trash);
        foreach (string stub in stubs)
        {
            string source = InUpper(stub);
            string target = Path.Join(trash, Guid.NewGuid().ToString("N"));
            try
            {
                Directory.Move(source, target); // renames files too
            }
            catch (IOException)
            {
                if (Posix.TryLStat(source) is FileStatus st)
                {
                    Delete(source, st.IsDirectory);
                }
            }
        }
    }

    private static void Restore(Dictionary<string, FileStatus> times, Func<string, string> where)
    {
        foreach (var (dir, st) in times)
        {
            string path = where(dir);
            if (Posix.TryLStat(path) is not null)
            {
                Posix.SetTimes(path, st.AtimeSeconds, st.AtimeNanoseconds, st.MtimeSeconds, st.MtimeNanoseconds);
            }
        }
    }

    private string InUpper(string rootfsPath) => _upper + rootfsPath[_rootfs.Length..];

    private static void Delete(string path, bool directory)
    {
        if (directory)
        {
            Directory.Delete(path);
        }
        else
        {
            File.Delete(path);
        }
    }

    private static string[] Names(string dir)
    {
        string[] names = Directory.GetFileSystemEntries(dir).Select(e => Path.GetFileName(e)).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
