using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>Which rootfs mounts get the stub layer, and that it covers every fixed mount point of the runtime spec that BuildKit cleans.</summary>
public sealed class StubLayerTests
{
    private static Mount Overlay(string lowerdir) =>
        new("overlay", "overlay", ["volatile", "workdir=/s/1/work", "upperdir=/s/1/fs", "lowerdir=" + lowerdir]);

    [Fact]
    public void It_goes_below_every_layer_of_a_kernel_overlay()
    {
        var under = StubLayer.Under([Overlay("/s/2/fs:/s/3/fs")], "/state/stubs-v1");
        Assert.Equal([Overlay("/s/2/fs:/s/3/fs:/state/stubs-v1")], under);
    }

    [Fact]
    public void Other_rootfs_shapes_are_left_alone()
    {
        IReadOnlyList<Mount>[] others =
        [
            [Mount.Bind("/s/1/fs", readOnly: false)],                         // a step on scratch
            [new Mount(Mounter.FuseOverlayType, "overlay", ["lowerdir=/s/2/fs", "upperdir=/s/1/fs", "workdir=/s/1/work"])],
            [Overlay("/s/2/fs"), new Mount("tmpfs", "tmpfs", [], "/data")],   // more than one mount
            [Overlay("/s/2/fs") with { Target = "/sub" }],
        ];
        foreach (var rootfs in others)
            Assert.Same(rootfs, StubLayer.Under(rootfs, "/state/stubs-v1"));
    }

    [Fact]
    public void A_rootfs_with_no_room_left_in_the_mount_data_goes_without()
    {
        // mount(2) data is at most 4095 bytes: this one has 10 left, the layer's path needs more
        var lowers = string.Join(':', Enumerable.Range(0, 60).Select(i => $"/var/lib/img/snapshots/overlayfs/snapshots/{i:x10}/fs"));
        var length = string.Join(',', Overlay(lowers).Options).Length;
        IReadOnlyList<Mount> deep = [Overlay(lowers + ":/" + new string('x', 4095 - 10 - length - 2))];
        Assert.Equal(4085, string.Join(',', deep[0].Options).Length);
        Assert.Same(deep, StubLayer.Under(deep, "/var/lib/img/runc/stubs-v1"));
        IReadOnlyList<Mount> roomy = [Overlay(lowers)];
        Assert.NotSame(roomy, StubLayer.Under(roomy, "/var/lib/img/runc/stubs-v1"));
    }

    [Fact]
    public void It_holds_every_fixed_mount_point_BuildKit_removes()
    {
        var etc = new RuntimeSpecBuilder.EtcFiles("/e/hosts", "/e/resolv.conf", "/e/hostname");
        foreach (var isolation in new[] { new RuntimeSpecBuilder.Isolation(false, false), new RuntimeSpecBuilder.Isolation(true, true, 1000, 1000) })
        {
            foreach (var (destination, _, _, _) in RuntimeSpecBuilder.Mounts(new ExecSpec { Args = ["true"] }, etc, isolation))
            {
                var path = destination.TrimStart('/');
                if (KeptMountPoints.Contains(destination))
                    continue; // /proc, /dev, /sys stay in the layer, as in BuildKit
                Assert.True(StubLayer.Directories.Contains(path) || StubLayer.Files.Contains(path), $"{destination} is not in the stub layer");
            }
        }
    }

    [Fact]
    public void It_is_made_once_whole()
    {
        using var dir = new TestDirectory("img-stub-layer");
        var layer = StubLayer.Ensure(dir.Path);
        Assert.Equal(layer, StubLayer.Ensure(dir.Path));
        Assert.Equal(["stubs-v2"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        foreach (var d in StubLayer.Directories)
            Assert.True(Directory.Exists(Path.Join(layer, d)), d);
        foreach (var f in StubLayer.Files)
            Assert.Equal(0, new FileInfo(Path.Join(layer, f)).Length);
    }
}
