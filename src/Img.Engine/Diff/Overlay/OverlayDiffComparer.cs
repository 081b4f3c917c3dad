using Img.Engine.Diff.Walking;
using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Diff.Overlay;

/// <summary>
/// Diffs an overlay snapshot by reading its upper directory only (kernel overlayfs and
/// fuse-overlayfs layouts): a whiteout device (character 0/0) or, on fuse-overlayfs only, a
/// <c>.wh.NAME</c> file becomes a whiteout (on kernel overlayfs such a name is an ordinary file,
/// kept as BuildKit keeps it), a directory marked opaque (<c>trusted.overlay.opaque</c>,
/// <c>user.overlay.opaque</c>, <c>user.fuseoverlayfs.opaque</c> = <c>y</c>, or on fuse-overlayfs a
/// <c>.wh..wh..opq</c> file) is compared entry by entry with the lower one (a whiteout for each
/// lower entry gone, as BuildKit writes it; never an opaque marker), every other upper entry is
/// written, except an entry that overlay merely copied up and that still equals the lower one
/// (BuildKit's <c>sameDirent</c>, <see cref="FileComparison.Same"/>).
/// Upper mounts that are not an overlay (a bind mount of a snapshot without parent) are read
/// as all-new trees; an upper directory using overlay's <c>redirect_dir</c> falls back to
/// <see cref="WalkingDiffComparer"/>.
/// </summary>
public sealed class OverlayDiffComparer : IDiffComparer
{
    private static readonly string[] OpaqueXattrs = ["trusted.overlay.opaque", "user.overlay.opaque", "user.fuseoverlayfs.opaque"];
    private const string FuseOpaqueDevice = ".wh..opq";
    private static readonly string[] RedirectXattrs = ["trusted.overlay.redirect", "user.overlay.redirect"];

    /// <inheritdoc/>
    public Task<DiffSummary> CompareAsync(IReadOnlyList<Mount> lower, IReadOnlyList<Mount> upper, Stream output, DiffOptions options, CancellationToken ct = default) =>
        Task.Run(() =>
        {
            if (!TryGetLayers(upper, out string? upperDir, out IReadOnlyList<string> lowers))
            {
                return new WalkingDiffComparer().CompareAsync(lower, upper, output, options, ct).GetAwaiter().GetResult();
            }
            if (output.CanSeek)
            {
                long start = output.Position;
                try
                {
                    return CompareUpper(upperDir!, lowers, IsFuse(upper), output, options, ct);
                }
                catch (RedirectDirException)
                {
                    output.SetLength(start);
                    output.Position = start;
                }
            }
            else if (UsesRedirects(upperDir!))
            {
                // Checked before writing anything when the output cannot be rewound.
            }
            else
            {
                return CompareUpper(upperDir!, lowers, IsFuse(upper), output, options, ct);
            }
            return new WalkingDiffComparer().CompareAsync(lower, upper, output, options, ct).GetAwaiter().GetResult();
        }, ct);

    /// <summary>The upper directory and lower directories (nearest first) of an overlay-style mount list.</summary>
    public static bool TryGetLayers(IReadOnlyList<Mount> upper, out string? upperDir, out IReadOnlyList<string> lowers)
    {
        upperDir = null;
        lowers = [];
        if (upper.Count != 1 || !string.IsNullOrEmpty(upper[0].Target))
        {
            return false;
        }
        Mount m = upper[0];
        if (m.Type == "bind" && !m.IsReadOnly)
        {
            upperDir = m.Source;
            return true;
        }
        if (m.Type is "overlay" or Mounter.FuseOverlayType && m.Option("upperdir") is string u)
        {
            upperDir = u;
            lowers = (m.Option("lowerdir") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
            return true;
        }
        return false;
    }

    // fuse-overlayfs may write whiteouts as ".wh.NAME" files and opaque markers as files; kernel
    // overlayfs never does, so there such names are ordinary files (an ADD of a tar holding
    // them, say) and stay in the layer, as in BuildKit's.
    private static bool IsFuse(IReadOnlyList<Mount> upper) => upper[0].Type == Mounter.FuseOverlayType;

    /// <summary>Writes the layer for an upper directory over <paramref name="lowers"/> (nearest
    /// first); <paramref name="fuse"/>: the layout is fuse-overlayfs's (whiteout files).</summary>
    public static DiffSummary CompareUpper(string upperDir, IReadOnlyList<string> lowers, bool fuse, Stream output, DiffOptions options, CancellationToken ct = default)
    {
        var tar = new LayerTarWriter(output, options.SourceDateEpoch);
        var changes = new LayerChangeWriter(tar, upperDir);
        Walk("", upperDir, lowers, fuse, changes, ct);
        tar.Finish();
        return new DiffSummary(changes.Entries, tar.Position);
    }

    private static void Walk(string rel, string dir, IReadOnlyList<string> lowers, bool fuse, LayerChangeWriter changes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var entries = new List<(string SortName, string Name)>();
        foreach (string name in WalkingDiffComparer.List(dir))
        {
            if (fuse && name is LayerTarWriter.OpaqueMarker or FuseOpaqueDevice)
            {
                continue;
            }
            entries.Add((fuse && name.StartsWith(LayerTarWriter.WhiteoutPrefix, StringComparison.Ordinal) ? name[LayerTarWriter.WhiteoutPrefix.Length..] : name, name));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.SortName, b.SortName));

        foreach (var (sortName, name) in entries)
        {
            string full = Path.Join(dir, name);
            string childRel = WalkingDiffComparer.Join(rel, sortName);
            var (lowerPath, lowerStat, childLowers) = LookupLower(lowers, sortName, fuse);
            FileStatus st = Posix.LStat(full);
            if (sortName != name || st.IsOverlayWhiteout)
            {
                // A whiteout (device 0/0, or a fuse-overlayfs ".wh." file). fuse-overlayfs also
                // leaves them for names that never existed below: only real deletions count.
                if (lowerStat is not null)
                {
                    changes.Delete(childRel);
                }
                continue;
            }
            if (!st.IsDirectory)
            {
                // A copy-up is not a change: chown to the same owner, a hardlink made to the file,
                // an open for writing that wrote nothing. BuildKit's overlay differ compares the
                // copy with the lower file (sameDirent) and leaves it out when equal.
                if (lowerStat is not { } lower || !FileComparison.Same(lowerPath!, lower, full, st))
                {
                    changes.Add(childRel, full, st);
                }
                continue;
            }
            if (HasRedirect(full))
            {
                throw new RedirectDirException();
            }
            bool lowerIsDir = lowerStat is { IsDirectory: true };
            // fuse-overlayfs marks every new directory opaque; the marker only matters over a lower directory.
            bool opaque = lowerIsDir && IsOpaque(full, fuse);
            if (!lowerIsDir || !FileComparison.Same(lowerPath!, lowerStat!.Value, full, st))
            {
                changes.Add(childRel, full, st);
            }
            if (opaque)
            {
                WalkOpaque(childRel, full, childLowers, fuse, changes, ct);
            }
            else
            {
                Walk(childRel, full, !lowerIsDir ? [] : childLowers, fuse, changes, ct);
            }
        }
    }

    /// <summary>
    /// An opaque directory is diffed against what the lower layers hold there, entry by entry,
    /// as BuildKit's overlay differ does (a double walk below an opaque directory,
    /// <c>util/overlay</c>): a lower entry that is gone gets its own whiteout and an upper entry
    /// equal to the lower one is left out; no <c>.wh..wh..opq</c> marker is written. The layer is
    /// then the one the walking differ (native snapshots) writes for the same change.
    /// </summary>
    private static void WalkOpaque(string rel, string dir, IReadOnlyList<string> lowers, bool fuse, LayerChangeWriter changes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string name in WalkingDiffComparer.List(dir))
        {
            // Nothing below an opaque directory needs a whiteout; skip any fuse marker left there.
            if (!fuse || !name.StartsWith(LayerTarWriter.WhiteoutPrefix, StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }
        foreach (string lower in lowers)
        {
            foreach (string name in WalkingDiffComparer.List(lower))
            {
                if (!fuse || !name.StartsWith(LayerTarWriter.WhiteoutPrefix, StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }
        }
        foreach (string name in names)
        {
            string full = Path.Join(dir, name);
            string childRel = WalkingDiffComparer.Join(rel, name);
            var (lowerPath, lowerStat, childLowers) = LookupLower(lowers, name, fuse);
            FileStatus? upper = Posix.TryLStat(full);
            if (upper is { IsOverlayWhiteout: true })
            {
                upper = null;
            }
            if (upper is not { } st)
            {
                if (lowerStat is not null)
                {
                    changes.Delete(childRel);
                }
                continue;
            }
            if (lowerStat is not { } ls)
            {
                WalkingDiffComparer.AddTree(childRel, full, st, changes, ct);
                continue;
            }
            if (!FileComparison.Same(lowerPath!, ls, full, st))
            {
                changes.Add(childRel, full, st);
            }
            if (st.IsDirectory)
            {
                WalkOpaque(childRel, full, ls.IsDirectory ? childLowers : [], fuse, changes, ct);
            }
        }
    }

    /// <summary>
    /// What the merged lower layers hold at <paramref name="name"/> inside the directory whose
    /// visible lower directories are <paramref name="lowers"/>: the topmost entry (null when
    /// absent or whited out), and the lower directories visible inside it.
    /// </summary>
    private static (string? Path, FileStatus? Status, List<string> ChildLowers) LookupLower(IReadOnlyList<string> lowers, string name, bool fuse)
    {
        string? firstPath = null;
        FileStatus? first = null;
        var childLowers = new List<string>();
        foreach (string l in lowers)
        {
            string lp = Path.Join(l, name);
            FileStatus? ls = Posix.TryLStat(lp);
            if (ls is null)
            {
                continue;
            }
            if (ls.Value.IsOverlayWhiteout || (fuse && IsFuseWhiteout(l, name)))
            {
                break;
            }
            if (first is null)
            {
                firstPath = lp;
                first = ls;
            }
            if (!ls.Value.IsDirectory)
            {
                break;
            }
            childLowers.Add(lp);
            if (IsOpaque(lp, fuse))
            {
                break;
            }
        }
        return (firstPath, first, childLowers);
    }

    private static bool IsFuseWhiteout(string lowerDir, string name) =>
        Posix.TryLStat(Path.Join(lowerDir, LayerTarWriter.WhiteoutPrefix + name)) is not null;

    private static bool IsOpaque(string dir, bool fuse)
    {
        foreach (string x in OpaqueXattrs)
        {
            if (Posix.GetXattr(dir, x) is [(byte)'y'])
            {
                return true;
            }
        }
        return fuse && Posix.TryLStat(Path.Join(dir, LayerTarWriter.OpaqueMarker)) is not null;
    }

    private static bool HasRedirect(string dir) => RedirectXattrs.Any(x => Posix.GetXattr(dir, x) is not null);

    private static bool UsesRedirects(string root)
    {
        var stack = new Stack<string>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            string d = stack.Pop();
            if (HasRedirect(d))
            {
                return true;
            }
            foreach (string sub in System.IO.Directory.EnumerateDirectories(d))
            {
                if (!Posix.LStat(sub).IsSymlink)
                {
                    stack.Push(sub);
                }
            }
        }
        return false;
    }

    private sealed class RedirectDirException : Exception;
}
