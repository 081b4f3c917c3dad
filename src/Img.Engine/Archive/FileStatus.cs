namespace Img.Engine.Archive;

/// <summary>
/// What <c>lstat</c> says about a path: the full mode (type bits included), owner, inode and
/// times. <see cref="DeviceMajor"/>/<see cref="DeviceMinor"/> are the device a node represents;
/// <see cref="FileSystemDeviceMajor"/>/<see cref="FileSystemDeviceMinor"/> the one it lives on
/// (with <see cref="Inode"/>, the hardlink identity).
/// </summary>
internal sealed record FileStatus(
    int Mode,
    int Uid,
    int Gid,
    uint LinkCount,
    ulong Inode,
    long Size,
    DateTimeOffset AccessTime,
    DateTimeOffset ModificationTime,
    DateTimeOffset ChangeTime,
    int DeviceMajor,
    int DeviceMinor,
    int FileSystemDeviceMajor,
    int FileSystemDeviceMinor)
{
    internal const int TypeMask = 0xF000;
    internal const int TypeDirectory = 0x4000;
    internal const int TypeRegular = 0x8000;
    internal const int TypeSymlink = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == TypeDirectory;
    public bool IsRegularFile => (Mode & TypeMask) == TypeRegular;
    public bool IsSymbolicLink => (Mode & TypeMask) == TypeSymlink;

    /// <summary>Permission bits plus setuid/setgid/sticky (07777).</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);
}
