using System.Text;
using Img.Engine.Native;

namespace Img.Engine.Archive;

/// <summary>
/// One tar entry's metadata, independent of the tar dialect it came in (ustar, PAX, GNU).
/// <see cref="Name"/> is the raw entry name (possibly with <c>./</c>, a trailing <c>/</c>, or
/// hostile <c>..</c>); <see cref="ArchivePath.Clean"/> makes it safe. <see cref="LinkName"/> is a
/// symlink's target (kept verbatim) or a hardlink's target entry name.
/// </summary>
public sealed record ArchiveEntry
{
    public required string Name { get; init; }
    public required ArchiveEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky.</summary>
    public UnixFileMode Mode { get; init; }
    public int Uid { get; init; }
    public int Gid { get; init; }
    public string? UserName { get; init; }
    public string? GroupName { get; init; }

    /// <summary>Data size for regular files; 0 otherwise.</summary>
    public long Size { get; init; }
    public DateTimeOffset ModificationTime { get; init; }
    public DateTimeOffset? AccessTime { get; init; }
    public string? LinkName { get; init; }
    public int DeviceMajor { get; init; }
    public int DeviceMinor { get; init; }

    /// <summary>Extended attributes (PAX <c>SCHILY.xattr.&lt;name&gt;</c>), name → raw value.</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; init; } = EmptyXattrs;

    internal static readonly IReadOnlyDictionary<string, byte[]> EmptyXattrs = new Dictionary<string, byte[]>();

    /// <summary>
    /// Describes the file at <paramref name="path"/> (lstat: a symlink is described, not followed)
    /// as an entry named <paramref name="name"/>, with owner, mode, times, device numbers and
    /// xattrs. Hardlink detection (same inode seen twice) is the caller's job.
    /// </summary>
    public static ArchiveEntry FromFileSystem(string path, string name)
    {
        var stat = Posix.LStat(path);
        var type = stat.FileType switch
        {
            FileStatus.TypeRegular => ArchiveEntryType.RegularFile,
            FileStatus.TypeDirectory => ArchiveEntryType.Directory,
            FileStatus.TypeSymlink => ArchiveEntryType.SymbolicLink,
            FileStatus.TypeCharDevice => ArchiveEntryType.CharacterDevice,
            FileStatus.TypeBlockDevice => ArchiveEntryType.BlockDevice,
            FileStatus.TypeFifo => ArchiveEntryType.Fifo,
            _ => throw new NotSupportedException($"{path}: sockets and other special files cannot be archived"),
        };
        return new ArchiveEntry
        {
            Name = name,
            Type = type,
            Mode = (UnixFileMode)stat.Permissions,
            Uid = (int)stat.Uid,
            Gid = (int)stat.Gid,
            Size = type == ArchiveEntryType.RegularFile ? stat.Size : 0,
            ModificationTime = stat.ModificationTime,
            AccessTime = stat.AccessTime,
            LinkName = type == ArchiveEntryType.SymbolicLink ? new FileInfo(path).LinkTarget : null,
            DeviceMajor = type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice ? (int)stat.RdevMajor : 0,
            DeviceMinor = type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice ? (int)stat.RdevMinor : 0,
            Xattrs = Posix.Lgetxattrs(path),
        };
    }

    public override string ToString()
    {
        var sb = new StringBuilder().Append(Type).Append(' ').Append(Name);
        if (LinkName is not null) sb.Append(" -> ").Append(LinkName);
        return sb.ToString();
    }
}
