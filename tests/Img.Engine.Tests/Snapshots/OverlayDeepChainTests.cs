using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Snapshots;

/// <summary>
/// mount(2) reads one page of options: a 60-layer chain under a long state path does not fit
/// and must still mount (a 50-step Dockerfile under ~/.local/share/img hit this).
/// </summary>
public sealed class OverlayDeepChainTests
{
    [Fact]
    public async Task A_chain_longer_than_one_page_of_mount_options_mounts()
    {
        Requirements.Root();
        using var dir = new TestDirectory("img-deep");
        var root = dir.Sub("a-rather-long-state-directory-name-like-a-users-home/snapshots");
        using var sn = SnapshotterFactory.Create("overlayfs", root).Snapshotter;
        string? parent = null;
        for (var i = 0; i < 60; i++)
        {
            var mounts = await sn.PrepareAsync($"layer-{i}-active", parent);
            using (Mounter.MountAt(mounts, dir.Sub($"mnt-{i}")))
                File.WriteAllText(Path.Join(dir.Sub($"mnt-{i}"), $"f{i}"), i.ToString());
            await sn.CommitAsync($"layer-{i}", $"layer-{i}-active");
            parent = $"layer-{i}";
        }
        var top = await sn.PrepareAsync("top", parent);
        Assert.True(top.Sum(m => string.Join(',', m.Options).Length) > 4096);
        using var lease = Mounter.MountTemporary(top, dir.Path);
        Assert.Equal("0", File.ReadAllText(Path.Join(lease.Directory, "f0")));
        Assert.Equal("59", File.ReadAllText(Path.Join(lease.Directory, "f59")));
    }
}
