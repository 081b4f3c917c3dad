using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// A throw-away mount namespace for starting one runc: a copy of this process's mounts (so the
/// step's rootfs and its <c>--mount</c> sources are there) in which every cgroup file system is
/// read-only. runc started with <c>--rootless true</c> then cannot create its per-container
/// cgroups (EROFS), which that mode treats as "run without them"; the container stays in the
/// cgroups of the thread that forked it (<see cref="DeviceCgroup"/>). Only the calling thread
/// changes namespace, for good: call <see cref="Enter"/> on a thread that ends after starting
/// runc (entering also gives the thread its own working directory and root; see
/// <see cref="RuncLauncher"/> for why it never moves back).
/// </summary>
internal sealed class ReadOnlyCgroupsNamespace
{
    private readonly IReadOnlyList<(string MountPoint, ulong Flags)> _cgroupMounts;

    /// <summary>Remembers the cgroup mounts to protect.</summary>
    public ReadOnlyCgroupsNamespace(IReadOnlyList<MountTableEntry> mounts)
    {
        _cgroupMounts = mounts
            .Where(m => m.FsType is "cgroup" or "cgroup2")
            .Select(m => (m.MountPoint, ReadOnlyFlags(m.MountOptions)))
            .ToList();
    }

    /// <summary>
    /// Moves the calling thread into a fresh copy of its mount namespace with read-only cgroup
    /// mounts. The copy lives on in the processes the thread starts and dies with them.
    /// </summary>
    public void Enter()
    {
        Posix.Unshare(Posix.CLONE_NEWNS);
        foreach (var (mountPoint, flags) in _cgroupMounts)
            Posix.Mount(null, mountPoint, null, flags, null);
    }

    // A bind remount changes only per-mount flags; keep the ones the mount already has.
    private static ulong ReadOnlyFlags(IReadOnlyList<string> options)
    {
        var flags = Posix.MS_REMOUNT | Posix.MS_BIND | Posix.MS_RDONLY;
        foreach (var o in options)
        {
            flags |= o switch
            {
                "nosuid" => Posix.MS_NOSUID,
                "nodev" => Posix.MS_NODEV,
                "noexec" => Posix.MS_NOEXEC,
                "noatime" => Posix.MS_NOATIME,
                "nodiratime" => Posix.MS_NODIRATIME,
                "relatime" => Posix.MS_RELATIME,
                _ => 0,
            };
        }
        return flags;
    }
}
