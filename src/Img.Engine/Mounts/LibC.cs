using System.Runtime.InteropServices;
using System.Text;

namespace Img.Engine.Mounts;

/// <summary>
/// The few libc calls the snapshotters, differ and executor need that .NET does not expose:
/// mount/umount2, statx (lstat with inode, owner and device numbers), ownership, device
/// nodes, timestamps without following symlinks, and extended attributes. Every wrapper
/// throws <see cref="IOException"/> naming the call, the path and the errno text.
/// </summary>
public static unsafe partial class LibC
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;

    public const ulong MS_RDONLY = 1;
    public const ulong MS_NOSUID = 2;
    public const ulong MS_NODEV = 4;
    public const ulong MS_NOEXEC = 8;
    public const ulong MS_SYNCHRONOUS = 16;
    public const ulong MS_REMOUNT = 32;
    public const ulong MS_NOATIME = 1024;
    public const ulong MS_NODIRATIME = 2048;
    public const ulong MS_BIND = 4096;
    public const ulong MS_REC = 16384;
    public const ulong MS_PRIVATE = 1 << 18;
    public const ulong MS_SLAVE = 1 << 19;
    public const ulong MS_SHARED = 1 << 20;
    public const ulong MS_RELATIME = 1 << 21;
    public const ulong MS_STRICTATIME = 1 << 24;

    public const int MNT_DETACH = 2;
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const uint STATX_BASIC_STATS = 0x7ff;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountNative(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2Native(string target, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChmodNative(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MknodNative(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensatNative(int dirfd, string path, long* times, int flags);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LlistxattrNative(string path, byte* list, nint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LgetxattrNative(string path, string name, byte* value, nint size);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LsetxattrNative(string path, string name, byte* value, nint size, int flags);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    /// <summary>kill(2): sends signal <paramref name="signal"/> (a Linux signal number) to <paramref name="pid"/>; 0 or -1.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>mount(2); throws on failure.</summary>
    public static void Mount(string? source, string target, string? fsType, ulong flags, string? data)
    {
        if (MountNative(source, target, fsType, flags, string.IsNullOrEmpty(data) ? null : data) != 0)
        {
            throw Error($"mount {fsType ?? "(none)"} {source} on {target}" + (string.IsNullOrEmpty(data) ? "" : $" ({data})"));
        }
    }

    /// <summary>umount2(2); returns the errno (0 on success) instead of throwing.</summary>
    public static int Umount2(string target, int flags) =>
        Umount2Native(target, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>lstat via statx; throws <see cref="FileNotFoundException"/> when missing.</summary>
    public static FileStatus LStat(string path)
    {
        FileStatus? st = TryLStat(path, out int errno);
        if (st is null)
        {
            throw errno == ENOENT || errno == ENOTDIR
                ? new FileNotFoundException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(errno)}", path)
                : new IOException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return st.Value;
    }

    /// <summary>lstat via statx; null when the path does not exist (or a parent is not a directory).</summary>
    public static FileStatus? TryLStat(string path) => TryLStat(path, out _);

    private static FileStatus? TryLStat(string path, out int errno)
    {
        byte* b = stackalloc byte[256];
        if (StatxNative(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, b) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT || errno == ENOTDIR)
            {
                return null;
            }
            throw new IOException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        errno = 0;
        // struct statx layout (identical on every Linux architecture).
        uint nlink = *(uint*)(b + 16);
        uint uid = *(uint*)(b + 20);
        uint gid = *(uint*)(b + 24);
        ushort mode = *(ushort*)(b + 28);
        ulong ino = *(ulong*)(b + 32);
        long size = *(long*)(b + 40);
        long blocks = *(long*)(b + 48);
        long atimeSec = *(long*)(b + 64);
        uint atimeNsec = *(uint*)(b + 72);
        long mtimeSec = *(long*)(b + 112);
        uint mtimeNsec = *(uint*)(b + 120);
        uint rdevMajor = *(uint*)(b + 128);
        uint rdevMinor = *(uint*)(b + 132);
        uint devMajor = *(uint*)(b + 136);
        uint devMinor = *(uint*)(b + 140);
        return new FileStatus(mode, uid, gid, size, ino, ((ulong)devMajor << 32) | devMinor,
            rdevMajor, rdevMinor, nlink, mtimeSec, mtimeNsec, atimeSec, atimeNsec, blocks);
    }

    public static void Lchown(string path, uint uid, uint gid)
    {
        if (LchownNative(path, uid, gid) != 0)
        {
            throw Error($"lchown {path} {uid}:{gid}");
        }
    }

    /// <summary>chmod(2) with the full 07777 permission bits (follows symlinks: never call on one).</summary>
    public static void Chmod(string path, uint mode)
    {
        if (ChmodNative(path, mode & 0xFFF) != 0)
        {
            throw Error($"chmod {path}");
        }
    }

    /// <summary>mknod(2); <paramref name="mode"/> carries the file type bits.</summary>
    public static void Mknod(string path, uint mode, uint major, uint minor)
    {
        if (MknodNative(path, mode, MakeDev(major, minor)) != 0)
        {
            throw Error($"mknod {path}");
        }
    }

    /// <summary>Returns the errno of mknod(2), 0 on success.</summary>
    public static int TryMknod(string path, uint mode, uint major, uint minor) =>
        MknodNative(path, mode, MakeDev(major, minor)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static void Link(string existing, string newPath)
    {
        if (LinkNative(existing, newPath) != 0)
        {
            throw Error($"link {existing} {newPath}");
        }
    }

    /// <summary>Sets access and modification times without following a final symlink.</summary>
    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec)
    {
        long* t = stackalloc long[4];
        t[0] = atimeSec;
        t[1] = atimeNsec;
        t[2] = mtimeSec;
        t[3] = mtimeNsec;
        if (UtimensatNative(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) != 0)
        {
            throw Error($"utimensat {path}");
        }
    }

    /// <summary>The names of a path's extended attributes (not following symlinks); empty when unsupported.</summary>
    public static List<string> ListXattrs(string path)
    {
        var names = new List<string>();
        nint size = LlistxattrNative(path, null, 0);
        if (size < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EOPNOTSUPP)
            {
                return names;
            }
            throw Error($"llistxattr {path}", errno);
        }
        if (size == 0)
        {
            return names;
        }
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
            {
                n = LlistxattrNative(path, p, size);
            }
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 34 /* ERANGE */)
                {
                    size *= 2;
                    continue;
                }
                throw Error($"llistxattr {path}", errno);
            }
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buf[i] == 0)
                {
                    if (i > start)
                    {
                        names.Add(Encoding.UTF8.GetString(buf, start, i - start));
                    }
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /// <summary>The value of one extended attribute, or null when it is absent.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        nint size = LgetxattrNative(path, name, null, 0);
        if (size < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ENODATA || errno == EOPNOTSUPP)
            {
                return null;
            }
            throw Error($"lgetxattr {path} {name}", errno);
        }
        while (true)
        {
            byte[] buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
            {
                n = LgetxattrNative(path, name, p, size);
            }
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 34 /* ERANGE */)
                {
                    size = Math.Max(size * 2, 64);
                    continue;
                }
                if (errno == ENODATA)
                {
                    return null;
                }
                throw Error($"lgetxattr {path} {name}", errno);
            }
            return n == buf.Length ? buf : buf.AsSpan(0, (int)n).ToArray();
        }
    }

    /// <summary>Sets one extended attribute; returns the errno (0 on success).</summary>
    public static int TrySetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            return LsetxattrNative(path, name, p, value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        int errno = TrySetXattr(path, name, value);
        if (errno != 0)
        {
            throw Error($"lsetxattr {path} {name}", errno);
        }
    }

    private static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private static IOException Error(string what) => Error(what, Marshal.GetLastPInvokeError());

    internal static IOException Error(string what, int errno) =>
        new($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}");
}
