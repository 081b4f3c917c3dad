namespace Img.Engine.BuildCache.Gc;

/// <summary>The size and free space of the filesystem holding the state directory (statfs: blocks and free blocks).</summary>
public readonly record struct DiskStat(long Total, long Free)
{
    /// <summary>The filesystem of <paramref name="path"/>; zeros when it cannot be read (percentages then mean 2 GB, as buildkitd).</summary>
    public static DiskStat Of(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return new DiskStat(drive.TotalSize, drive.TotalFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return default;
        }
    }
}
