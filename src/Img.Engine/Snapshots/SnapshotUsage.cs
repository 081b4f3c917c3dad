namespace Img.Engine.Snapshots;

/// <summary>Disk usage of a snapshot's own data (not its parents'): bytes allocated and inodes used.</summary>
public readonly record struct SnapshotUsage(long Size, long Inodes);
