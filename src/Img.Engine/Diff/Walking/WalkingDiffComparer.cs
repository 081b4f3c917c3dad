using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Diff.Walking;

/// <summary>
/// Diffs two trees by walking both side by side (the native snapshotter's differ, and the
/// fallback for any mount type): an entry only in the upper tree is added with everything
/// below it, one only in the lower tree becomes a whiteout, and one in both is written when
/// its type, mode, owner, mtime, size, device numbers, symlink target or xattrs differ (and,
/// when both mtimes are whole seconds, when the content differs).
/// </summary>
public sealed class WalkingDiffComparer : IDiffComparer
{
    /// <inheritdoc/>
    public Task<DiffSummary> CompareAsync(IReadOnlyList<Mount> lower, IReadOnlyList<Mount> upper, Stream output, DiffOptions options, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            using MountedTree lowerTree = MountedTree.Open(lower);
            using MountedTree upperTree = MountedTree.Open(upper);
            string upperDir = upperTree.Directory ?? throw new ArgumentException("the upper tree of a diff must not be empty", nameof(upper));
            return Compare(lowerTree.Directory, upperDir, output, options, ct);
        }, ct);

    /// <summary>Diffs two directories (<paramref name="lowerDir"/> null: empty) into a layer tar.</summary>
    public static DiffSummary Compare(string? lowerDir, string upperDir, Stream output, DiffOptions options, CancellationToken ct = default)
    {
        var tar = new LayerTarWriter(output, options.SourceDateEpoch);
        var changes = new LayerChangeWriter(tar, upperDir);
        CompareDirectory("", lowerDir, upperDir, changes, ct);
        tar.Finish();
        return new DiffSummary(changes.Entries, tar.Position);
    }

    private static void CompareDirectory(string rel, string? lowerDir, string upperDir, LayerChangeWriter changes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        string[] upperNames = List(upperDir);
        string[] lowerNames = lowerDir is null ? [] : List(lowerDir);
        int i = 0, j = 0;
        while (i < upperNames.Length || j < lowerNames.Length)
        {
            int cmp = i >= upperNames.Length ? 1 : j >= lowerNames.Length ? -1 : string.CompareOrdinal(upperNames[i], lowerNames[j]);
            if (cmp > 0)
            {
                changes.Delete(Join(rel, lowerNames[j]));
                j++;
                continue;
            }
            string name = upperNames[i];
            string u = Path.Join(upperDir, name);
            FileStatus su = Posix.LStat(u);
            if (cmp < 0)
            {
                AddTree(Join(rel, name), u, su, changes, ct);
                i++;
                continue;
            }
            string l = Path.Join(lowerDir, name);
            FileStatus sl = Posix.LStat(l);
            if (su.IsDirectory && sl.IsDirectory)
            {
                if (!FileComparison.Same(l, sl, u, su))
                {
                    changes.Add(Join(rel, name), u, su);
                }
                CompareDirectory(Join(rel, name), l, u, changes, ct);
            }
            else if (su.FileType != sl.FileType)
            {
                AddTree(Join(rel, name), u, su, changes, ct);
            }
            else if (!FileComparison.Same(l, sl, u, su))
            {
                changes.Add(Join(rel, name), u, su);
            }
            i++;
            j++;
        }
    }

    internal static void AddTree(string rel, string full, FileStatus st, LayerChangeWriter changes, CancellationToken ct)
    {
        changes.Add(rel, full, st);
        if (!st.IsDirectory)
        {
            return;
        }
        ct.ThrowIfCancellationRequested();
        foreach (string name in List(full))
        {
            string child = Path.Join(full, name);
            AddTree(Join(rel, name), child, Posix.LStat(child), changes, ct);
        }
    }

    internal static string[] List(string dir)
    {
        string[] names = System.IO.Directory.GetFileSystemEntries(dir).Select(p => Path.GetFileName(p)).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    internal static string Join(string rel, string name) => rel.Length == 0 ? name : rel + "/" + name;
}
