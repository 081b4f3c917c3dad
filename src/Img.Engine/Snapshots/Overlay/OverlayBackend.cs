using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Snapshots.Overlay;

/// <summary>
/// The backend of snapshots as kernel overlayfs layers: each snapshot's <c>fs/</c> is an upper directory;
/// an active snapshot is mounted as <c>overlay</c> with the parent chain as <c>lowerdir</c>
/// (nearest first; a merge in the chain adds the chains it stacks, so a merge copies nothing) and its own <c>upperdir</c>/<c>workdir</c>; with no parent it is a plain
/// bind mount. Views of one parent bind the parent read-only. Inside a user namespace the
/// <c>userxattr</c> option is added (kernel 5.11+), so whiteouts and opaque markers use
/// <c>user.overlay.*</c> xattrs.
/// <para>
/// Active mounts use overlay's <c>volatile</c> option by default: unmounting then skips the
/// syncfs of the upper filesystem (about 20-30 ms per build step). Only a host crash can lose
/// such data, and active snapshots of a previous boot belong to dead processes and are removed
/// on open; durable copies of results live in the content store.
/// </para>
/// <para>
/// A committed snapshot keeps its (empty) work directory until it is removed: deleting it at
/// commit is four directory removals per step, and on a disk mounted with <c>discard</c> each
/// waits for the device.
/// </para>
/// </summary>
public class OverlayBackend(bool volatileMounts = true) : ISnapshotBackend
{
    /// <summary>True when active overlay mounts carry the <c>volatile</c> option.</summary>
    public bool VolatileMounts { get; } = volatileMounts;

    /// <inheritdoc/>
    public virtual string Name => "overlayfs";

    /// <summary>True when overlay mounts need the <c>userxattr</c> option (not in the initial user namespace).</summary>
    public static bool NeedsUserXattr => !UserNamespace.IsInitial;

    /// <inheritdoc/>
    public void CreateSnapshot(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds, CancellationToken ct)
    {
        string fs = directories.Fs(id);
        Directory.CreateDirectory(fs);
        if (parentIds.Count > 0)
        {
            // The merged root takes its attributes from the upper directory: copy the parent's.
            FileStatus p = Posix.LStat(directories.Fs(parentIds[0]));
            Posix.Lchown(fs, p.Uid, p.Gid);
            Posix.Chmod(fs, p.Permissions);
        }
        else
        {
            Posix.Chmod(fs, 0x1ED); // 0755
        }
        if (kind == SnapshotKind.Active)
        {
            Directory.CreateDirectory(WorkDirectory(directories, id));
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Nothing to copy: the merge's own upper directory stays empty and what is made on the merge
    /// lists the stacked chains among its lower directories (the store's parent ids).
    /// </remarks>
    public void StackSnapshots(SnapshotDirectories directories, string id, IReadOnlyList<string> stackedIds, CancellationToken ct)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<Mount> Mounts(SnapshotDirectories directories, string id, SnapshotKind kind, IReadOnlyList<string> parentIds)
    {
        if (kind == SnapshotKind.View)
        {
            if (parentIds.Count == 0)
            {
                return [Mount.Bind(directories.Fs(id), readOnly: true)];
            }
            if (parentIds.Count == 1)
            {
                return [Mount.Bind(directories.Fs(parentIds[0]), readOnly: true)];
            }
            return [OverlayMount(parentIds.Select(directories.Fs), upper: null, work: null)];
        }
        if (parentIds.Count == 0)
        {
            return [Mount.Bind(directories.Fs(id), readOnly: false)];
        }
        return [OverlayMount(parentIds.Select(directories.Fs), directories.Fs(id), WorkDirectory(directories, id))];
    }

    /// <summary>Builds the mount presenting <paramref name="lowers"/> (nearest first) with an optional writable upper.</summary>
    protected virtual Mount OverlayMount(IEnumerable<string> lowers, string? upper, string? work)
    {
        var options = new List<string>();
        if (NeedsUserXattr)
        {
            options.Add("userxattr");
        }
        if (upper is null)
        {
            options.Add("ro");
        }
        else
        {
            if (VolatileMounts)
            {
                options.Add("volatile");
            }
            options.Add("workdir=" + work);
            options.Add("upperdir=" + upper);
        }
        options.Add("lowerdir=" + string.Join(':', lowers));
        return new Mount("overlay", "overlay", options);
    }

    /// <summary>The overlay work directory of an active snapshot.</summary>
    private static string WorkDirectory(SnapshotDirectories directories, string id) => Path.Join(directories.Of(id), "work");

    /// <summary>
    /// Checks that kernel overlayfs works under <paramref name="directory"/>: mounts an overlay with
    /// two lower layers there, deletes a lower file through it and expects a whiteout in the upper
    /// directory. Returns null when it works, else the reason it does not.
    /// </summary>
    public static string? Probe(string directory)
    {
        Directory.CreateDirectory(directory);
        string dir = Path.Join(directory, "overlay-probe-" + Guid.NewGuid().ToString("N")[..8]);
        string l1 = Path.Join(dir, "l1"), l2 = Path.Join(dir, "l2"), up = Path.Join(dir, "u"), wk = Path.Join(dir, "w"), mnt = Path.Join(dir, "m");
        try
        {
            foreach (string d in new[] { l1, l2, up, wk, mnt })
            {
                Directory.CreateDirectory(d);
            }
            File.WriteAllText(Path.Join(l2, "f"), "x");
            var opts = new List<string>();
            if (NeedsUserXattr)
            {
                opts.Add("userxattr");
            }
            opts.Add($"workdir={wk}");
            opts.Add($"upperdir={up}");
            opts.Add($"lowerdir={l1}:{l2}");
            try
            {
                Mounter.MountAll([new Mount("overlay", "overlay", opts)], mnt);
            }
            catch (IOException e)
            {
                return $"kernel overlayfs mount failed: {e.Message}";
            }
            try
            {
                File.Delete(Path.Join(mnt, "f"));
            }
            finally
            {
                Mounter.Unmount(mnt);
            }
            FileStatus? wh = Posix.TryLStat(Path.Join(up, "f"));
            return wh is { IsOverlayWhiteout: true } ? null : "kernel overlayfs did not create a whiteout device in the upper directory";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"kernel overlayfs probe failed: {e.Message}";
        }
        finally
        {
            try
            {
                TreeRemover.RemoveAll(dir);
            }
            catch (IOException)
            {
            }
        }
    }
}
