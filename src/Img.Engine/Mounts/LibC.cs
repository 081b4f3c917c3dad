using Img.Engine.Native;

namespace Img.Engine.Mounts;

/// <summary>
/// The libc calls the snapshotters, differ and executor need that .NET does not expose:
/// mount/umount2, statx (lstat with inode, owner and device numbers), ownership, device
/// nodes, timestamps without following symlinks, and extended attributes. A public face of
/// <see cref="Posix"/>, the one interop class, which every member forwards to. Every wrapper
/// throws <see cref="IOException"/> naming the call, the path and the errno text.
/// </summary>
public static class LibC
{
    public const int EPERM = Posix.EPERM;
    public const int ENOENT = Posix.ENOENT;
    public const int EBUSY = Posix.EBUSY;
    public const int EEXIST = Posix.EEXIST;
    public const int EXDEV = Posix.EXDEV;
    public const int ENOTDIR = Posix.ENOTDIR;
    public const int EINVAL = Posix.EINVAL;
    public const int ENODATA = Posix.ENODATA;
    public const int EOPNOTSUPP = Posix.EOPNOTSUPP;

    public const ulong MS_RDONLY = Posix.MS_RDONLY;
    public const ulong MS_NOSUID = Posix.MS_NOSUID;
    public const ulong MS_NODEV = Posix.MS_NODEV;
    public const ulong MS_NOEXEC = Posix.MS_NOEXEC;
    public const ulong MS_SYNCHRONOUS = Posix.MS_SYNCHRONOUS;
    public const ulong MS_REMOUNT = Posix.MS_REMOUNT;
    public const ulong MS_NOATIME = Posix.MS_NOATIME;
    public const ulong MS_NODIRATIME = Posix.MS_NODIRATIME;
    public const ulong MS_BIND = Posix.MS_BIND;
    public const ulong MS_REC = Posix.MS_REC;
    public const ulong MS_PRIVATE = Posix.MS_PRIVATE;
    public const ulong MS_SLAVE = Posix.MS_SLAVE;
    public const ulong MS_SHARED = Posix.MS_SHARED;
    public const ulong MS_RELATIME = Posix.MS_RELATIME;
    public const ulong MS_STRICTATIME = Posix.MS_STRICTATIME;

    public const int MNT_DETACH = Posix.MNT_DETACH;

    public static uint GetEffectiveUserId() => Posix.GetEffectiveUserId();

    public static uint GetEffectiveGroupId() => Posix.GetEffectiveGroupId();

    /// <summary>kill(2): sends signal <paramref name="signal"/> (a Linux signal number) to <paramref name="pid"/>; 0 or -1.</summary>
    public static int Kill(int pid, int signal) => Posix.Kill(pid, signal);

    /// <summary>getppid(2).</summary>
    public static int GetParentProcessId() => Posix.GetParentProcessId();

    /// <summary>mount(2); throws on failure.</summary>
    public static void Mount(string? source, string target, string? fsType, ulong flags, string? data) =>
        Posix.Mount(source, target, fsType, flags, data);

    /// <summary>umount2(2); returns the errno (0 on success) instead of throwing.</summary>
    public static int Umount2(string target, int flags) => Posix.Umount2(target, flags);

    /// <summary>lstat via statx; throws <see cref="FileNotFoundException"/> when missing.</summary>
    public static FileStatus LStat(string path) => Posix.LStat(path);

    /// <summary>lstat via statx; null when the path does not exist (or a parent is not a directory).</summary>
    public static FileStatus? TryLStat(string path) => Posix.TryLStat(path);

    public static void Lchown(string path, uint uid, uint gid) => Posix.Lchown(path, uid, gid);

    /// <summary>chmod(2) with the full 07777 permission bits (follows symlinks: never call on one).</summary>
    public static void Chmod(string path, uint mode) => Posix.Chmod(path, mode);

    /// <summary>mknod(2); <paramref name="mode"/> carries the file type bits.</summary>
    public static void Mknod(string path, uint mode, uint major, uint minor) => Posix.Mknod(path, mode, major, minor);

    /// <summary>Returns the errno of mknod(2), 0 on success.</summary>
    public static int TryMknod(string path, uint mode, uint major, uint minor) => Posix.TryMknod(path, mode, major, minor);

    public static void Link(string existing, string newPath) => Posix.Link(existing, newPath);

    /// <summary>Sets access and modification times without following a final symlink.</summary>
    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec) =>
        Posix.SetTimes(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec);

    /// <summary>The names of a path's extended attributes (not following symlinks); empty when unsupported.</summary>
    public static List<string> ListXattrs(string path) => Posix.ListXattrs(path);

    /// <summary>The value of one extended attribute, or null when it is absent.</summary>
    public static byte[]? GetXattr(string path, string name) => Posix.GetXattr(path, name);

    /// <summary>Sets one extended attribute; returns the errno (0 on success).</summary>
    public static int TrySetXattr(string path, string name, ReadOnlySpan<byte> value) => Posix.TrySetXattr(path, name, value);

    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value) => Posix.SetXattr(path, name, value);

    internal static IOException Error(string what, int errno) => Posix.Error(what, errno);
}
