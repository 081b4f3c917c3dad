namespace Img.Engine.Native;

/// <summary>
/// The result of <c>lstat</c> (via <c>statx</c>) on one path; never follows symlinks. The one
/// file-status type: <see cref="Posix"/> returns it to every caller (archive, context
/// checksums, snapshotters, differ). <see cref="Device"/> is the file system the file lives on
/// (with <see cref="Inode"/>, the hardlink identity); <see cref="RdevMajor"/>/<see cref="RdevMinor"/>
/// the device a device node represents.
/// </summary>
public readonly record struct FileStatus(
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    ulong Inode,
    ulong Device,
    uint RdevMajor,
    uint RdevMinor,
    uint Links,
    long MtimeSeconds,
    uint MtimeNanoseconds,
    long AtimeSeconds,
    uint AtimeNanoseconds,
    long Blocks)
{
    /// <summary>The <c>S_IFMT</c> file type bits.</summary>
    public const uint TypeMask = 0xF000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeRegular = 0x8000;
    public const uint TypeSymlink = 0xA000;
    public const uint TypeCharDevice = 0x2000;
    public const uint TypeBlockDevice = 0x6000;
    public const uint TypeFifo = 0x1000;
    public const uint TypeSocket = 0xC000;

    /// <summary>Permission bits including setuid, setgid and sticky (07777).</summary>
    public uint Permissions => Mode & 0xFFF;
    public uint FileType => Mode & TypeMask;
    public bool IsDirectory => FileType == TypeDirectory;
    public bool IsRegular => FileType == TypeRegular;
    public bool IsSymlink => FileType == TypeSymlink;
    public bool IsCharDevice => FileType == TypeCharDevice;
    public bool IsBlockDevice => FileType == TypeBlockDevice;
    public bool IsFifo => FileType == TypeFifo;
    public bool IsSocket => FileType == TypeSocket;

    /// <summary>An overlayfs whiteout: a character device with device number 0/0.</summary>
    public bool IsOverlayWhiteout => IsCharDevice && RdevMajor == 0 && RdevMinor == 0;

    /// <summary>The status-change time (ctime).</summary>
    public long CtimeSeconds { get; init; }
    public uint CtimeNanoseconds { get; init; }

    public DateTimeOffset ModificationTime => Time(MtimeSeconds, MtimeNanoseconds);

    public DateTimeOffset AccessTime => Time(AtimeSeconds, AtimeNanoseconds);

    public DateTimeOffset ChangeTime => Time(CtimeSeconds, CtimeNanoseconds);

    private static DateTimeOffset Time(long seconds, uint nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);
}
