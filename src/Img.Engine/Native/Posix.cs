using System.Runtime.InteropServices;
using System.Text;

namespace Img.Engine.Native;

/// <summary>
/// The one place img calls libc (Linux) for what .NET does not expose: mount/umount2, statx
/// (lstat with inode, owner and device numbers, as <see cref="FileStatus"/>), ownership, mode,
/// device nodes, hard links, timestamps without following symlinks, extended attributes, flock
/// and directory fsync. Every throwing wrapper throws an <see cref="IOException"/> that names the
/// call and the path, carries the errno text, and has the errno as its HResult.
/// </summary>
/// <remarks>
/// Public for the CLI (process ids, signals) and tests; what only the engine needs (locks,
/// namespaces, cgroup files, memfds) stays internal.
/// </remarks>
public static unsafe partial class Posix
{
    /// <summary>getppid(2): the parent's pid, 1 (or a subreaper's) once the parent has died.</summary>
    [LibraryImport("libc", EntryPoint = "getppid")]
    public static partial int GetParentProcessId();

    /// <summary>kill(2): sends signal <paramref name="signal"/> (a Linux signal number) to <paramref name="pid"/>; 0 or -1.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    private const string Libc = "libc";

    public const int EPERM = 1;
    public const int ENOENT = 2;
    internal const int EINTR = 4;
    internal const int EWOULDBLOCK = 11;
    internal const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    internal const int ERANGE = 34;
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

    private const int O_RDONLY = 0;
    private const int O_RDWR = 2;
    private const int O_CREAT = 0x40;
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int LOCK_UN = 8;
    private const uint STATX_BASIC_STATS = 0x7ff;

    [LibraryImport(Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountNative(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport(Libc, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Umount2Native(string target, int flags);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(int fd);

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChmodNative(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MknodNative(string path, uint mode, ulong dev);

    [LibraryImport(Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkatNative(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport(Libc, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensatNative(int dirfd, string path, long* times, int flags);

    [LibraryImport(Libc, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LlistxattrNative(string path, byte* list, nint size);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LgetxattrNative(string path, string name, byte* value, nint size);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LsetxattrNative(string path, string name, byte* value, nint size, int flags);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    internal static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>"<paramref name="what"/>: errno text", with the errno as the HResult.</summary>
    internal static IOException Error(string what, int errno) =>
        new($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);

    private static IOException LastError(string what) => Error(what, Marshal.GetLastPInvokeError());

    // ---- mounts ----

    /// <summary>mount(2); throws on failure.</summary>
    public static void Mount(string? source, string target, string? fsType, ulong flags, string? data)
    {
        // mount(2) reads at most one page of options: a deep overlay chain (50+ absolute lowerdir
        // paths) would be cut off. The new mount API takes each lower layer separately.
        if (fsType == "overlay" && data is { Length: >= MountDataLimit })
        {
            MountOverlayByFsConfig(target, flags, data);
            return;
        }
        if (MountNative(source, target, fsType, flags, string.IsNullOrEmpty(data) ? null : data) != 0)
            throw LastError($"mount {fsType ?? "(none)"} {source} on {target}" + (string.IsNullOrEmpty(data) ? "" : $" ({data})"));
    }

    private const int MountDataLimit = 4000;

    /// <summary>fsopen/fsconfig/fsmount/move_mount (Linux 6.5+ for <c>lowerdir+</c>): an overlay with any number of lower layers.</summary>
    private static void MountOverlayByFsConfig(string target, ulong flags, string data)
    {
        const uint FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1, MOUNT_ATTR_RDONLY = 1, MOVE_MOUNT_F_EMPTY_PATH = 4;
        const uint FSCONFIG_SET_FLAG = 0, FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
        const int AT_FDCWD = -100;
        var fs = FsOpenNative("overlay", FSOPEN_CLOEXEC);
        if (fs < 0) throw LastError($"fsopen overlay for {target}");
        try
        {
            foreach (var option in data.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = option.IndexOf('=');
                if (eq < 0)
                {
                    Config(fs, FSCONFIG_SET_FLAG, option, null, target);
                    continue;
                }
                var key = option[..eq];
                var value = option[(eq + 1)..];
                if (key == "lowerdir")
                {
                    foreach (var lower in value.Split(':', StringSplitOptions.RemoveEmptyEntries))
                        Config(fs, FSCONFIG_SET_STRING, "lowerdir+", lower, target);
                }
                else
                {
                    Config(fs, FSCONFIG_SET_STRING, key, value, target);
                }
            }
            Config(fs, FSCONFIG_CMD_CREATE, null, null, target);
            var mnt = FsMountNative(fs, FSMOUNT_CLOEXEC, (flags & 1) != 0 ? MOUNT_ATTR_RDONLY : 0);
            if (mnt < 0) throw LastError($"fsmount overlay on {target}");
            try
            {
                if (MoveMountNative(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) != 0)
                    throw LastError($"move_mount overlay on {target}");
            }
            finally
            {
                CloseNative(mnt);
            }
        }
        finally
        {
            CloseNative(fs);
        }
    }

    private static void Config(int fs, uint cmd, string? key, string? value, string target)
    {
        if (FsConfigNative(fs, cmd, key, value, 0) != 0)
            throw LastError($"mount overlay on {target}: fsconfig {key}={value}");
    }

    [LibraryImport("libc", EntryPoint = "fsopen", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FsOpenNative(string fsName, uint flags);

    [LibraryImport("libc", EntryPoint = "fsconfig", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FsConfigNative(int fd, uint cmd, string? key, string? value, int aux);

    [LibraryImport("libc", EntryPoint = "fsmount", SetLastError = true)]
    private static partial int FsMountNative(int fd, uint flags, uint attrFlags);

    [LibraryImport("libc", EntryPoint = "move_mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MoveMountNative(int fromFd, string fromPath, int toFd, string toPath, uint flags);

    /// <summary>umount2(2); returns the errno (0 on success) instead of throwing.</summary>
    public static int Umount2(string target, int flags) =>
        Umount2Native(target, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();

    // ---- locks and durability ----

    /// <summary>Opens (creating 0644 if needed) a file for locking; returns the descriptor.</summary>
    internal static int OpenForLock(string path)
    {
        while (true)
        {
            var fd = OpenNative(path, O_RDWR | O_CREAT | O_CLOEXEC, Convert.ToInt32("644", 8));
            if (fd >= 0) return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Error($"open {path}", errno);
        }
    }

    internal static void Close(int fd) => CloseNative(fd);

    /// <summary>Tries to take an exclusive flock without blocking; false when another open file description holds it.</summary>
    internal static bool TryLockExclusive(int fd, string path)
    {
        while (true)
        {
            if (FlockNative(fd, LOCK_EX | LOCK_NB) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EWOULDBLOCK) return false;
            if (errno != EINTR) throw Error($"flock {path}", errno);
        }
    }

    internal static void Unlock(int fd) => FlockNative(fd, LOCK_UN);

    /// <summary>fsyncs a directory so a rename or unlink inside it is durable.</summary>
    internal static void FsyncDirectory(string path)
    {
        var fd = OpenNative(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) throw LastError($"open {path}");
        try
        {
            if (FsyncNative(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // Some file systems cannot fsync directories; the rename is still atomic.
                if (errno is not (EINTR or EINVAL or EOPNOTSUPP)) throw Error($"fsync {path}", errno);
            }
        }
        finally
        {
            CloseNative(fd);
        }
    }

    // ---- namespaces and cgroup files ----

    internal const int CLONE_NEWNS = 0x00020000;
    private const int O_WRONLY = 1;

    [LibraryImport(Libc, EntryPoint = "unshare", SetLastError = true)]
    private static partial int UnshareNative(int flags);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte* buffer, nint count);

    /// <summary>unshare(2) for the calling thread (a mount namespace also gives the thread its own cwd and root).</summary>
    internal static void Unshare(int flags)
    {
        if (UnshareNative(flags) != 0) throw LastError($"unshare 0x{flags:x}");
    }

    /// <summary>Opens a file (a namespace handle, a cgroup control file) with close-on-exec; returns the descriptor.</summary>
    internal static int Open(string path, bool write)
    {
        while (true)
        {
            var fd = OpenNative(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC, 0);
            if (fd >= 0) return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Error($"open {path}", errno);
        }
    }

    /// <summary>One write(2) of the whole of <paramref name="data"/> at the file's position (cgroup control files take one value per write).</summary>
    internal static void Write(int fd, ReadOnlySpan<byte> data, string what)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                var n = WriteNative(fd, p, data.Length);
                if (n == data.Length) return;
                if (n >= 0) throw new IOException($"write {what}: {n} of {data.Length} bytes written");
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) throw Error($"write {what}", errno);
            }
        }
    }

    // ---- sealed memory files ----

    private const uint MFD_ALLOW_SEALING = 2;
    private const int F_ADD_SEALS = 1033;
    internal const int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

    [LibraryImport(Libc, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreateNative(string name, uint flags);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlNative(int fd, int command, int argument);

    /// <summary>
    /// An in-memory copy of <paramref name="content"/>: memfd_create (close-on-exec), write, then
    /// <paramref name="seals"/> (with <see cref="F_SEAL_WRITE"/> nobody can change it any more).
    /// Returns the descriptor; other processes reach it as <c>/proc/PID/fd/FD</c>.
    /// </summary>
    internal static int CreateSealedMemoryFile(string name, ReadOnlySpan<byte> content, int seals)
    {
        var fd = MemfdCreateNative(name, MFD_ALLOW_SEALING | 1 /* MFD_CLOEXEC */);
        if (fd < 0) throw LastError($"memfd_create {name}");
        try
        {
            fixed (byte* p = content)
            {
                for (nint done = 0; done < content.Length;)
                {
                    var n = WriteNative(fd, p + done, content.Length - done);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == EINTR) continue;
                        throw Error($"write memfd {name}", errno);
                    }
                    done += n;
                }
            }
            if (FcntlNative(fd, F_ADD_SEALS, seals) != 0) throw LastError($"seal memfd {name}");
            return fd;
        }
        catch
        {
            CloseNative(fd);
            throw;
        }
    }

    // ---- inode flags ----

    private const uint FS_IOC_GETFLAGS = 0x80086601;
    private const uint FS_IOC_SETFLAGS = 0x40086602;
    private const int FS_TOPDIR_FL = 0x00020000;

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlNative(int fd, nuint request, int* argument);

    /// <summary>
    /// Marks a directory as the top of unrelated hierarchies (<c>chattr +T</c>): ext4's Orlov
    /// allocator then spreads its subdirectories over block groups instead of packing them next
    /// to it. False where the file system has no such flag (xfs, btrfs, tmpfs) or it cannot be set.
    /// </summary>
    internal static bool TrySetTopDirectory(string directory)
    {
        var fd = OpenNative(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) return false;
        try
        {
            int flags;
            if (IoctlNative(fd, FS_IOC_GETFLAGS, &flags) != 0) return false;
            if ((flags & FS_TOPDIR_FL) != 0) return true;
            flags |= FS_TOPDIR_FL;
            return IoctlNative(fd, FS_IOC_SETFLAGS, &flags) == 0;
        }
        finally
        {
            CloseNative(fd);
        }
    }

    // ---- lstat ----

    /// <summary>lstat via statx; <see cref="FileNotFoundException"/> when the path (or a parent directory) is missing.</summary>
    public static FileStatus LStat(string path) =>
        TryLStat(path, out var errno) ?? throw new FileNotFoundException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(errno)}", path);

    /// <summary>lstat via statx; null when the path does not exist (or a parent is not a directory).</summary>
    public static FileStatus? TryLStat(string path) => TryLStat(path, out _);

    private static FileStatus? TryLStat(string path, out int errno)
    {
        byte* b = stackalloc byte[256];
        if (StatxNative(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, b) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return null;
            throw Error($"lstat {path}", errno);
        }
        errno = 0;
        // struct statx layout (identical on every Linux architecture).
        return new FileStatus(
            Mode: *(ushort*)(b + 28),
            Uid: *(uint*)(b + 20),
            Gid: *(uint*)(b + 24),
            Size: *(long*)(b + 40),
            Inode: *(ulong*)(b + 32),
            Device: ((ulong)*(uint*)(b + 136) << 32) | *(uint*)(b + 140),
            RdevMajor: *(uint*)(b + 128),
            RdevMinor: *(uint*)(b + 132),
            Links: *(uint*)(b + 16),
            MtimeSeconds: *(long*)(b + 112),
            MtimeNanoseconds: *(uint*)(b + 120),
            AtimeSeconds: *(long*)(b + 64),
            AtimeNanoseconds: *(uint*)(b + 72),
            Blocks: *(long*)(b + 48))
        {
            CtimeSeconds = *(long*)(b + 96),
            CtimeNanoseconds = *(uint*)(b + 104),
        };
    }

    // ---- ownership, mode, nodes, links, times ----

    /// <summary>Changes owner without following a final symlink.</summary>
    public static void Lchown(string path, uint uid, uint gid)
    {
        if (LchownNative(path, uid, gid) != 0) throw LastError($"lchown {path} {uid}:{gid}");
    }

    /// <summary>chmod(2) with the full 07777 permission bits (follows symlinks: never call on one).</summary>
    public static void Chmod(string path, uint mode)
    {
        if (ChmodNative(path, mode & 0xFFF) != 0) throw LastError($"chmod {path}");
    }

    /// <summary>Returns the errno of mknod(2), 0 on success; <paramref name="mode"/> carries the file type bits.</summary>
    public static int TryMknod(string path, uint mode, uint major, uint minor) =>
        MknodNative(path, mode, MakeDev(major, minor)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>mknod(2); <paramref name="mode"/> carries the file type bits.</summary>
    public static void Mknod(string path, uint mode, uint major, uint minor)
    {
        var errno = TryMknod(path, mode, major, minor);
        if (errno != 0) throw Error($"mknod {path}", errno);
    }

    /// <summary>Creates a hard link; a symlink at <paramref name="existing"/> is linked itself, not followed.</summary>
    public static void Link(string existing, string newPath)
    {
        if (LinkatNative(AT_FDCWD, existing, AT_FDCWD, newPath, 0) != 0) throw LastError($"link {existing} {newPath}");
    }

    /// <summary>Sets access and modification times without following a final symlink.</summary>
    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec)
    {
        long* t = stackalloc long[4];
        t[0] = atimeSec;
        t[1] = atimeNsec;
        t[2] = mtimeSec;
        t[3] = mtimeNsec;
        if (UtimensatNative(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) != 0) throw LastError($"utimensat {path}");
    }

    /// <summary>Sets access and modification times (100 ns precision) without following a final symlink.</summary>
    public static void SetTimes(string path, DateTimeOffset accessTime, DateTimeOffset modificationTime)
    {
        var (aSec, aNsec) = ToTimespec(accessTime);
        var (mSec, mNsec) = ToTimespec(modificationTime);
        SetTimes(path, aSec, aNsec, mSec, mNsec);
    }

    private static (long Seconds, uint Nanoseconds) ToTimespec(DateTimeOffset t)
    {
        var seconds = Math.DivRem(t.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds -= 1;
            rest += TimeSpan.TicksPerSecond;
        }
        return (seconds, (uint)(rest * 100));
    }

    private static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    // ---- extended attributes ----

    /// <summary>The names of a path's extended attributes (not following symlinks); empty when unsupported.</summary>
    public static List<string> ListXattrs(string path) =>
        TryListXattrs(path, out var errno) ?? throw Error($"llistxattr {path}", errno);

    // Null with the errno on failure; empty when the file system has no xattr support.
    private static List<string>? TryListXattrs(string path, out int errno)
    {
        var names = new List<string>();
        while (true)
        {
            errno = 0;
            var size = LlistxattrNative(path, null, 0);
            if (size == 0) return names;
            var n = size;
            byte[] buf = [];
            if (size > 0)
            {
                buf = new byte[size];
                fixed (byte* p = buf)
                    n = LlistxattrNative(path, p, size);
            }
            if (n < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                if (errno == ERANGE) continue; // the list grew since it was measured
                return errno == EOPNOTSUPP ? names : null;
            }
            names.AddRange(Encoding.UTF8.GetString(buf, 0, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries));
            return names;
        }
    }

    /// <summary>The value of one extended attribute, or null when it is absent.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        var size = LgetxattrNative(path, name, null, 0);
        if (size < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENODATA or EOPNOTSUPP) return null;
            throw Error($"lgetxattr {path} {name}", errno);
        }
        while (true)
        {
            var buf = new byte[size];
            nint n;
            fixed (byte* p = buf)
                n = LgetxattrNative(path, name, p, size);
            if (n >= 0) return n == buf.Length ? buf : buf.AsSpan(0, (int)n).ToArray();
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ERANGE)
            {
                size = Math.Max(size * 2, 64);
                continue;
            }
            if (errno == ENODATA) return null;
            throw Error($"lgetxattr {path} {name}", errno);
        }
    }

    /// <summary>
    /// All extended attributes of a path (not following a final symlink), sorted by name, values
    /// as raw bytes; empty when the file system has none or the path is gone.
    /// </summary>
    internal static IReadOnlyDictionary<string, byte[]> Lgetxattrs(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var names = TryListXattrs(path, out var errno);
        if (names is null)
            return errno == ENOENT ? result : throw Error($"llistxattr {path}", errno);
        foreach (var name in names)
        {
            if (GetXattr(path, name) is { } value)
                result[name] = value;
        }
        return result;
    }

    /// <summary>Sets one extended attribute; returns the errno (0 on success).</summary>
    public static int TrySetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
            return LsetxattrNative(path, name, p, value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Sets one extended attribute without following a final symlink.</summary>
    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        var errno = TrySetXattr(path, name, value);
        if (errno != 0) throw Error($"lsetxattr {path} {name}", errno);
    }
}
