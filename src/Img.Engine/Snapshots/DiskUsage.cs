using Img.Engine.Native;

namespace Img.Engine.Snapshots;

/// <summary>Disk usage of a directory tree, each inode once (snapshots, and directories that are not snapshots: cache mounts).</summary>
internal static class DiskUsage
{
    public static SnapshotUsage Measure(string dir, CancellationToken ct)
    {
        long size = 0, inodes = 0;
        var seen = new HashSet<ulong>();
        var stack = new Stack<string>();
        stack.Push(dir);
        while (stack.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var d = stack.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(d))
            {
                FileStatus st = Posix.LStat(entry);
                if (st.Links > 1 && !st.IsDirectory && !seen.Add(st.Inode))
                    continue;
                inodes++;
                size += st.Blocks * 512;
                if (st.IsDirectory)
                    stack.Push(entry);
            }
        }
        return new SnapshotUsage(size, inodes);
    }
}
