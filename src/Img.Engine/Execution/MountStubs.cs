using Img.Engine.Mounts;

namespace Img.Engine.Execution;

/// <summary>
/// Keeps mount points out of the layer, as BuildKit does: before the run, records every mount
/// destination (and missing parent) that does not exist in the rootfs yet, because the runtime
/// will create it as an empty file or directory; after the run, removes those that are still
/// empty. A parent directory whose entries are, after removal, the same names as before the
/// run gets its pre-run timestamps back (its mtime changed only because of the stub), so the
/// diff does not see it either. (BuildKit restores the timestamps the parent had after the
/// stub was created, which still differ from the lower layer.)
/// </summary>
public sealed class MountStubs
{
    private readonly List<string> _created = new();
    private readonly Dictionary<string, (FileStatus Status, string[] Names)> _parents = new(StringComparer.Ordinal);

    private MountStubs()
    {
    }

    /// <summary>Records which of <paramref name="destinations"/> are missing under <paramref name="rootfs"/>.</summary>
    public static MountStubs Record(string rootfs, IEnumerable<string> destinations)
    {
        var stubs = new MountStubs();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string dest in destinations)
        {
            if (dest.Trim('/').Length == 0)
            {
                continue;
            }
            string host = RootfsPath.Resolve(rootfs, dest);
            while (host.Length > rootfs.Length && LibC.TryLStat(host) is null)
            {
                if (seen.Add(host))
                {
                    stubs._created.Add(host);
                }
                host = Path.GetDirectoryName(host)!;
            }
            if (stubs._created.Count > 0 && !stubs._parents.ContainsKey(host) && LibC.TryLStat(host) is { IsDirectory: true } pst)
            {
                stubs._parents[host] = (pst, Names(host));
            }
        }
        return stubs;
    }

    /// <summary>Paths that were missing (deepest first within each destination).</summary>
    public IReadOnlyList<string> Paths => _created;

    /// <summary>Removes the stubs that are still empty, restoring parent timestamps.</summary>
    public void Clean()
    {
        foreach (string p in _created.OrderByDescending(p => p.Length))
        {
            FileStatus? st = LibC.TryLStat(p);
            if (st is null)
            {
                continue;
            }
            if (st.Value.IsDirectory ? Directory.EnumerateFileSystemEntries(p).Any() : st.Value.Size != 0)
            {
                continue;
            }
            string parent = Path.GetDirectoryName(p)!;
            FileStatus? ps = LibC.TryLStat(parent);
            if (st.Value.IsDirectory)
            {
                Directory.Delete(p);
            }
            else
            {
                File.Delete(p);
            }
            if (_parents.TryGetValue(parent, out var before) && Names(parent).SequenceEqual(before.Names))
            {
                ps = before.Status;
            }
            if (ps is FileStatus pst)
            {
                LibC.SetTimes(parent, pst.AtimeSeconds, pst.AtimeNanoseconds, pst.MtimeSeconds, pst.MtimeNanoseconds);
            }
        }
    }

    private static string[] Names(string dir)
    {
        string[] names = Directory.GetFileSystemEntries(dir).Select(e => Path.GetFileName(e)).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
