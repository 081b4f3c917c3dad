namespace Img.Engine.Mounts;

/// <summary>One line of <c>/proc/self/mountinfo</c>, with the octal escapes of paths decoded.</summary>
/// <param name="Root">The directory of the file system that is mounted (a cgroup path for cgroup mounts inside a cgroup namespace or container).</param>
/// <param name="MountPoint">Where it is mounted.</param>
/// <param name="MountOptions">Per-mount options (<c>rw</c>, <c>nosuid</c>, <c>relatime</c>, ...).</param>
/// <param name="FsType">File system type (<c>cgroup</c>, <c>cgroup2</c>, <c>overlay</c>, ...).</param>
/// <param name="SuperOptions">Per-superblock options (for cgroup v1: the controllers, e.g. <c>devices</c>).</param>
public sealed record MountTableEntry(string Root, string MountPoint, IReadOnlyList<string> MountOptions, string FsType, IReadOnlyList<string> SuperOptions);
