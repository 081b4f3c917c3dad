using System.Diagnostics;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Snapshots;

/// <summary>The snapshots directory asks ext4 to spread snapshots over block groups (chattr +T).</summary>
public sealed class SnapshotDirectoryHintTests
{
    [Fact]
    public void Snapshots_directory_is_a_top_directory_on_ext4()
    {
        Requirements.Root();
        using var dir = new TestDirectory("img-topdir");
        using var sn = SnapshotterFactory.Create("overlayfs", dir.Sub("snap")).Snapshotter;
        var snapshots = Path.Join(sn.Root, "snapshots");
        Assert.True(Directory.Exists(snapshots));
        var fs = MountTable.Read().Where(m => (snapshots + "/").StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderBy(m => m.MountPoint.Length).Last().FsType;
        if (fs != "ext4")
        {
            return; // the hint exists on ext2/3/4 only; elsewhere it is skipped quietly
        }
        var psi = new ProcessStartInfo("lsattr", ["-d", snapshots]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var flags = p.StandardOutput.ReadToEnd().Split(' ')[0];
        p.WaitForExit();
        Assert.Contains('T', flags);
    }
}
