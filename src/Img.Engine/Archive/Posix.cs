using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;

namespace Img.Engine.Archive;

/// <summary>
/// The libc calls .NET does not expose (Linux): flock on a raw descriptor, directory fsync,
/// lchown, xattrs, utimensat without following symlinks, statx. The one P/Invoke place for
/// file-system metadata; callers get <see cref="IOException"/>s that name the path and errno.
/// </summary>
internal static partial class Posix
{
    private const string Libc = "libc";

    internal const int EINTR = 4;
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int EWOULDBLOCK = 11;
    internal const int ENOTSUP = 95;
    internal const int ENODATA = 61;
    internal const int ERANGE = 34;

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

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncRaw(int fd);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    [LibraryImport(Libc, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownRaw(string path, int uid, int gid);

    [LibraryImport(Libc, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LsetxattrRaw(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LgetxattrRaw(string path, string name, byte[]? value, nuint size);

    [LibraryImport(Libc, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LlistxattrRaw(string path, byte[]? list, nuint size);

    [LibraryImport(Libc, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensatRaw(int dirfd, string path, Timespec[] times, int flags);

    [LibraryImport(Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkatRaw(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxRaw(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    internal static bool IsRoot => GetEffectiveUserId() == 0;

    internal static IOException Error(string operation, string path, int errno) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    /// <summary>Opens (creating 0644 if needed) a file for locking; returns the descriptor.</summary>
    internal static int OpenForLock(string path)
    {
        while (true)
        {
            var fd = OpenRaw(path, O_RDWR | O_CREAT | O_CLOEXEC, Convert.ToInt32("644", 8));
            if (fd >= 0) return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw Error("open", path, errno);
        }
    }

    internal static void Close(int fd) => CloseRaw(fd);

    /// <summary>Tries to take an exclusive flock without blocking; false when another open file description holds it.</summary>
    internal static bool TryLockExclusive(int fd, string path)
    {
        while (true)
        {
            if (FlockRaw(fd, LOCK_EX | LOCK_NB) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EWOULDBLOCK) return false;
            if (errno != EINTR) throw Error("flock", path, errno);
        }
    }

    internal static void Unlock(int fd) => FlockRaw(fd, LOCK_UN);

    /// <summary>fsyncs a directory so a rename or unlink inside it is durable.</summary>
    internal static void FsyncDirectory(string path)
    {
        var fd = OpenRaw(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) throw Error("open", path, Marshal.GetLastPInvokeError());
        try
        {
            if (FsyncRaw(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // Some file systems cannot fsync directories; the rename is still atomic.
                if (errno is not (EINTR or 22 /* EINVAL */ or ENOTSUP)) throw Error("fsync", path, errno);
            }
        }
        finally
        {
            CloseRaw(fd);
        }
    }

    /// <summary>Changes owner without following a final symlink.</summary>
    internal static void Lchown(string path, int uid, int gid)
    {
        if (LchownRaw(path, uid, gid) != 0) throw Error("lchown", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>Sets an extended attribute without following a final symlink.</summary>
    internal static void Lsetxattr(string path, string name, byte[] value)
    {
        if (LsetxattrRaw(path, name, value, (nuint)value.Length, 0) != 0)
            throw Error($"lsetxattr {name}", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>All extended attributes of a path (not following a final symlink); empty when unsupported.</summary>
    internal static IReadOnlyDictionary<string, byte[]> Lgetxattrs(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var size = LlistxattrRaw(path, null, 0);
        if (size <= 0)
        {
            if (size < 0 && Marshal.GetLastPInvokeError() is not (ENOTSUP or ENOENT))
                throw Error("llistxattr", path, Marshal.GetLastPInvokeError());
            return result;
        }
        var list = new byte[size];
        size = LlistxattrRaw(path, list, (nuint)list.Length);
        if (size < 0) throw Error("llistxattr", path, Marshal.GetLastPInvokeError());
        foreach (var name in Encoding.UTF8.GetString(list, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var len = LgetxattrRaw(path, name, null, 0);
            if (len < 0)
            {
                if (Marshal.GetLastPInvokeError() == ENODATA) continue;
                throw Error($"lgetxattr {name}", path, Marshal.GetLastPInvokeError());
            }
            var value = new byte[len];
            len = LgetxattrRaw(path, name, value, (nuint)value.Length);
            if (len < 0) throw Error($"lgetxattr {name}", path, Marshal.GetLastPInvokeError());
            result[name] = value.AsSpan(0, (int)len).ToArray();
        }
        return result;
    }

    /// <summary>Sets access and modification times (nanosecond precision) without following a final symlink.</summary>
    internal static void SetTimes(string path, DateTimeOffset accessTime, DateTimeOffset modificationTime)
    {
        var times = new[] { ToTimespec(accessTime), ToTimespec(modificationTime) };
        if (UtimensatRaw(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0)
            throw Error("utimensat", path, Marshal.GetLastPInvokeError());
    }

    private static Timespec ToTimespec(DateTimeOffset t)
    {
        var ticks = (t.UtcTicks - DateTime.UnixEpoch.Ticks);
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds -= 1;
            rest += TimeSpan.TicksPerSecond;
        }
        return new Timespec { Seconds = seconds, Nanoseconds = rest * 100 };
    }

    /// <summary>Creates a hard link; a symlink at <paramref name="existing"/> is linked itself, not followed.</summary>
    internal static void Link(string existing, string newPath)
    {
        if (LinkatRaw(AT_FDCWD, existing, AT_FDCWD, newPath, 0) != 0)
            throw Error($"link {existing} to", newPath, Marshal.GetLastPInvokeError());
    }

    /// <summary>lstat through statx (its layout is the same on every Linux architecture).</summary>
    internal static FileStatus LStat(string path)
    {
        var buffer = new byte[256];
        if (StatxRaw(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer) != 0)
            throw Error("statx", path, Marshal.GetLastPInvokeError());
        var span = buffer.AsSpan();
        static DateTimeOffset Time(ReadOnlySpan<byte> s) =>
            DateTimeOffset.UnixEpoch.AddTicks(
                BitConverter.ToInt64(s) * TimeSpan.TicksPerSecond + BitConverter.ToUInt32(s[8..]) / 100);
        return new FileStatus(
            Mode: BitConverter.ToUInt16(span[28..]),
            Uid: (int)BitConverter.ToUInt32(span[20..]),
            Gid: (int)BitConverter.ToUInt32(span[24..]),
            LinkCount: BitConverter.ToUInt32(span[16..]),
            Inode: BitConverter.ToUInt64(span[32..]),
            Size: (long)BitConverter.ToUInt64(span[40..]),
            AccessTime: Time(span[64..]),
            ModificationTime: Time(span[112..]),
            ChangeTime: Time(span[96..]),
            DeviceMajor: (int)BitConverter.ToUInt32(span[128..]),
            DeviceMinor: (int)BitConverter.ToUInt32(span[132..]),
            FileSystemDeviceMajor: (int)BitConverter.ToUInt32(span[136..]),
            FileSystemDeviceMinor: (int)BitConverter.ToUInt32(span[140..]));
    }
}
