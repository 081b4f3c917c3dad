using Img.Engine.Archive;
using Img.Engine.Native;

namespace Img.Engine.Context.Checksums;

/// <summary>The lstat fields a content checksum and the stat cache look at, times in nanoseconds.</summary>
internal readonly record struct NodeStatus(
    ArchiveEntryType Type,
    int Mode,
    int Uid,
    int Gid,
    long Size,
    long ModificationTimeNs,
    long ChangeTimeNs,
    ulong Inode,
    int DeviceMajor,
    int DeviceMinor,
    bool IsSocket)
{
    internal static NodeStatus From(FileStatus s)
    {
        var type = s.FileType switch
        {
            FileStatus.TypeRegular => ArchiveEntryType.RegularFile,
            FileStatus.TypeDirectory => ArchiveEntryType.Directory,
            FileStatus.TypeSymlink => ArchiveEntryType.SymbolicLink,
            FileStatus.TypeCharDevice => ArchiveEntryType.CharacterDevice,
            FileStatus.TypeBlockDevice => ArchiveEntryType.BlockDevice,
            _ => ArchiveEntryType.Fifo, // fifo, or a socket (flagged)
        };
        return new NodeStatus(
            type,
            (int)s.Mode,
            (int)s.Uid,
            (int)s.Gid,
            s.Size,
            ToNanoseconds(s.ModificationTime),
            ToNanoseconds(s.ChangeTime),
            s.Inode,
            (int)s.RdevMajor,
            (int)s.RdevMinor,
            s.IsSocket);
    }

    private static long ToNanoseconds(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Permission bits plus setuid/setgid/sticky.</summary>
    public int Permissions => Mode & 0xFFF;

    public DateTimeOffset ModificationTime => DateTimeOffset.UnixEpoch.AddTicks(ModificationTimeNs / 100);
}
