using System.Diagnostics;
using Img.Engine.Native;

namespace Img.Engine.Mounts;

/// <summary>
/// Applies a list of <see cref="Mount"/>s at a directory and takes them down again.
/// Kernel filesystems (<c>overlay</c>, <c>bind</c>, <c>tmpfs</c>, ...) go through mount(2);
/// <c>fuse-overlayfs</c> mounts run the <c>fuse-overlayfs</c> program and are unmounted with
/// umount2(2), falling back to <c>fusermount3 -u</c> when the caller may not unmount.
/// </summary>
public static class Mounter
{
    /// <summary>The mount type name the FUSE overlay backend uses.</summary>
    public const string FuseOverlayType = "fuse-overlayfs";

    private static readonly Dictionary<string, (ulong Set, ulong Clear)> Flags = new(StringComparer.Ordinal)
    {
        ["ro"] = (Posix.MS_RDONLY, 0),
        ["rw"] = (0, Posix.MS_RDONLY),
        ["nosuid"] = (Posix.MS_NOSUID, 0),
        ["suid"] = (0, Posix.MS_NOSUID),
        ["nodev"] = (Posix.MS_NODEV, 0),
        ["dev"] = (0, Posix.MS_NODEV),
        ["noexec"] = (Posix.MS_NOEXEC, 0),
        ["exec"] = (0, Posix.MS_NOEXEC),
        ["sync"] = (Posix.MS_SYNCHRONOUS, 0),
        ["async"] = (0, Posix.MS_SYNCHRONOUS),
        ["noatime"] = (Posix.MS_NOATIME, 0),
        ["nodiratime"] = (Posix.MS_NODIRATIME, 0),
        ["relatime"] = (Posix.MS_RELATIME, 0),
        ["strictatime"] = (Posix.MS_STRICTATIME, 0),
        ["bind"] = (Posix.MS_BIND, 0),
        ["rbind"] = (Posix.MS_BIND | Posix.MS_REC, 0),
        ["remount"] = (Posix.MS_REMOUNT, 0),
        ["defaults"] = (0, 0),
    };

    /// <summary>
    /// Mounts every entry of <paramref name="mounts"/> at <paramref name="directory"/> (joined with
    /// each entry's <see cref="Mount.Target"/>), in order. On failure the mounts made so far are
    /// taken down again and a <see cref="MountException"/> is thrown.
    /// </summary>
    public static void MountAll(IReadOnlyList<Mount> mounts, string directory)
    {
        var done = new List<string>();
        try
        {
            foreach (Mount m in mounts)
            {
                string target = string.IsNullOrEmpty(m.Target)
                    ? directory
                    : Path.Join(directory, m.Target.TrimStart('/'));
                MountOne(m, target);
                done.Add(target);
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
            {
                TryUnmount(done[i]);
            }
            throw;
        }
    }

    /// <summary>Mounts one entry at <paramref name="target"/>.</summary>
    public static void MountOne(Mount m, string target)
    {
        if (m.Type == FuseOverlayType || m.Type == "fuse3." + FuseOverlayType)
        {
            MountFuseOverlay(m, target);
            return;
        }

        ulong flags = 0;
        var data = new List<string>();
        foreach (string o in m.Options)
        {
            if (Flags.TryGetValue(o, out var f))
            {
                flags = (flags | f.Set) & ~f.Clear;
            }
            else if (o is "private" or "rprivate" or "slave" or "rslave" or "shared" or "rshared")
            {
                // Propagation is applied by the caller when it matters; ignored here.
            }
            else
            {
                data.Add(o);
            }
        }

        if (m.Type == "overlay" && data.Contains("volatile") && m.Option("workdir") is string workdir)
        {
            // A volatile overlay leaves work/incompat/volatile behind and refuses the next mount
            // until it is removed. Snapshots of a crashed host are discarded before reuse, so a
            // leftover here only means "unmounted cleanly before".
            string incompat = Path.Join(workdir, "work", "incompat");
            if (Directory.Exists(incompat))
            {
                Directory.Delete(incompat, recursive: true);
            }
        }

        bool bind = m.Type == "bind" || (flags & Posix.MS_BIND) != 0;
        try
        {
            if (bind)
            {
                ulong bindFlags = Posix.MS_BIND | (flags & Posix.MS_REC);
                Posix.Mount(m.Source, target, null, bindFlags, null);
                ulong extra = flags & ~(Posix.MS_BIND | Posix.MS_REC | Posix.MS_REMOUNT);
                if (extra != 0)
                {
                    try
                    {
                        Posix.Mount(null, target, null, Posix.MS_REMOUNT | Posix.MS_BIND | extra, null);
                    }
                    catch
                    {
                        TryUnmount(target);
                        throw;
                    }
                }
                return;
            }
            Posix.Mount(m.Source, target, m.Type, flags, string.Join(',', data));
        }
        catch (IOException e) when (e is not MountException)
        {
            throw new MountException($"cannot mount {m} at {target}: {e.Message}", e);
        }
    }

    private static void MountFuseOverlay(Mount m, string target)
    {
        var opts = m.Options.Where(o => o != "rw").ToList();
        var psi = new ProcessStartInfo(FindProgram("fuse-overlayfs") ?? "fuse-overlayfs")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-o");
        psi.ArgumentList.Add(string.Join(',', opts));
        psi.ArgumentList.Add(target);
        using Process p = Process.Start(psi) ?? throw new MountException("cannot start fuse-overlayfs");
        // fuse-overlayfs daemonizes once the mount is ready; the parent exits then.
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new MountException($"fuse-overlayfs {string.Join(',', opts)} {target} failed (exit {p.ExitCode}): {err.Trim()}");
        }
    }

    /// <summary>
    /// Unmounts everything stacked at <paramref name="target"/> (repeating until it is no longer a
    /// mount point). Busy mounts are detached lazily. Throws when an unmount is refused.
    /// </summary>
    public static void Unmount(string target)
    {
        for (int i = 0; i < 64; i++)
        {
            int errno = Posix.Umount2(target, 0);
            if (errno == 0)
            {
                continue;
            }
            if (errno == Posix.EINVAL || errno == Posix.ENOENT)
            {
                return; // not (or no longer) a mount point
            }
            if (errno == Posix.EBUSY)
            {
                if (Posix.Umount2(target, Posix.MNT_DETACH) == 0)
                {
                    continue;
                }
            }
            if (errno == Posix.EPERM && FuseUnmount(target))
            {
                continue;
            }
            throw new MountException($"cannot unmount {target}: {Posix.Error("umount2", errno).Message}");
        }
    }

    /// <summary>Like <see cref="Unmount"/> but never throws; returns false when something stayed mounted.</summary>
    public static bool TryUnmount(string target)
    {
        try
        {
            Unmount(target);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Mounts into a fresh temporary directory; disposing the lease unmounts and deletes it.</summary>
    public static MountLease MountTemporary(IReadOnlyList<Mount> mounts, string? parentDirectory = null)
    {
        string dir = Path.Join(parentDirectory ?? Path.GetTempPath(), "img-mnt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        try
        {
            MountAll(mounts, dir);
        }
        catch
        {
            Directory.Delete(dir);
            throw;
        }
        return new MountLease(dir, deleteDirectory: true);
    }

    /// <summary>Mounts at <paramref name="directory"/>; disposing the lease unmounts (the directory stays).</summary>
    public static MountLease MountAt(IReadOnlyList<Mount> mounts, string directory)
    {
        MountAll(mounts, directory);
        return new MountLease(directory, deleteDirectory: false);
    }

    internal static string? FindProgram(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string candidate = Path.Join(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool FuseUnmount(string target)
    {
        string? prog = FindProgram("fusermount3") ?? FindProgram("fusermount");
        if (prog is null)
        {
            return false;
        }
        var psi = new ProcessStartInfo(prog) { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(target);
        using Process? p = Process.Start(psi);
        if (p is null)
        {
            return false;
        }
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
