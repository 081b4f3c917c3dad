using System.Globalization;
using System.Security.Cryptography;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// A committed snapshot's tree as comparable lines: path, type, mode, owner, size, content hash,
/// link target, device numbers, hardlink group, <c>security.capability</c>, and mtime (whole
/// seconds) of everything but directories. What a layer cannot carry is left out: sub-second
/// times and directory mtimes (img's differ writes whole seconds and drops directories whose only
/// change is their mtime, as BuildKit does) and xattrs other than <c>security.capability</c>.
/// </summary>
internal static class SnapshotTree
{
    public static async Task<List<string>> CaptureAsync(ISnapshotter snapshotter, string name, string scratch)
    {
        var key = "tree-" + Guid.NewGuid().ToString("N");
        var mounts = await snapshotter.ViewAsync(key, name);
        try
        {
            Directory.CreateDirectory(scratch);
            using var lease = Mounter.MountTemporary(mounts, scratch);
            return Capture(lease.Directory);
        }
        finally
        {
            await snapshotter.RemoveAsync(key);
        }
    }

    public static List<string> Capture(string root)
    {
        var lines = new List<string>();
        var inodes = new Dictionary<ulong, string>();
        Walk(root, "", lines, inodes);
        return lines;
    }

    private static void Walk(string root, string relative, List<string> lines, Dictionary<ulong, string> inodes)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(Path.Join(root, relative)).Order(StringComparer.Ordinal))
        {
            var name = Path.Join(relative, Path.GetFileName(path));
            var st = Posix.LStat(path);
            var line = $"{name} type={st.FileType:x} mode={Convert.ToString(st.Permissions, 8)} owner={st.Uid}:{st.Gid}";
            if (!st.IsDirectory)
                line += $" mtime={st.MtimeSeconds}";
            if (st.IsRegular)
            {
                if (st.Links > 1 && inodes.TryGetValue(st.Inode, out var first))
                    line += " hardlink=" + first;
                else
                {
                    if (st.Links > 1)
                        inodes[st.Inode] = name;
                    line += $" size={st.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}";
                }
            }
            if (st.IsSymlink)
                line += " -> " + new FileInfo(path).LinkTarget;
            if (st.IsCharDevice || st.IsBlockDevice)
                line += string.Create(CultureInfo.InvariantCulture, $" rdev={st.RdevMajor}:{st.RdevMinor}");
            if (Posix.GetXattr(path, "security.capability") is { } caps)
                line += " caps=" + Convert.ToHexStringLower(caps);
            lines.Add(line);
            if (st.IsDirectory)
                Walk(root, name, lines, inodes);
        }
    }
}
