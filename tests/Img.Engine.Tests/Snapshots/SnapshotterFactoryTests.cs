using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Snapshots;

/// <summary><c>--backend auto</c>: the probe, the remembered choice and the order of fallbacks.</summary>
public sealed class SnapshotterFactoryTests
{
    private static string Environment() => $"{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}|{UserNamespace.IsInitial}";

    [Fact]
    public void Auto_probes_overlayfs_once_and_remembers_the_answer()
    {
        Requirements.Root();
        using var dir = new TestDirectory("img-auto");
        using (var first = SnapshotterFactory.Create("auto", dir.Path).Snapshotter)
        {
            Assert.Equal("overlayfs", first.Name);
        }
        var choice = File.ReadAllLines(Path.Join(dir.Path, "auto-choice"));
        Assert.Equal(["overlayfs", Environment(), "auto: kernel overlayfs mounts work here"], choice);
        Assert.False(Directory.Exists(Path.Join(dir.Path, "probe")));

        var again = SnapshotterFactory.Create("auto", dir.Path);
        using var snapshotter = again.Snapshotter;
        Assert.Equal("overlayfs", again.Name);
        Assert.Equal("auto: kernel overlayfs mounts work here (probed earlier)", again.Reason);
    }

    [Fact]
    public void A_remembered_choice_holds_for_the_same_kernel_and_namespace_only()
    {
        Requirements.Root();
        using var dir = new TestDirectory("img-auto");
        var choiceFile = Path.Join(dir.Path, "auto-choice");
        File.WriteAllLines(choiceFile, ["native", Environment(), "auto: remembered"]);
        var remembered = SnapshotterFactory.Create("auto", dir.Path);
        using (remembered.Snapshotter)
        {
            Assert.Equal("native", remembered.Name);
            Assert.Equal("auto: remembered (probed earlier)", remembered.Reason);
        }

        File.WriteAllLines(choiceFile, ["native", "another-kernel|True", "auto: remembered"]);
        var probed = SnapshotterFactory.Create("auto", dir.Path);
        using (probed.Snapshotter)
        {
            Assert.Equal("overlayfs", probed.Name);
            Assert.Equal("overlayfs", File.ReadAllLines(choiceFile)[0]);
        }
    }

    [Fact]
    public void Without_overlayfs_auto_takes_fuse_overlayfs_then_native_copies()
    {
        using var dir = new TestDirectory("img-auto");
        var fuse = SnapshotterFactory.Probe(dir.Path, _ => "overlay: not supported", () => null);
        using (fuse.Snapshotter)
        {
            Assert.Equal("fuse-overlayfs", fuse.Name);
            Assert.Equal("auto: overlay: not supported; fuse-overlayfs and /dev/fuse are available", fuse.Reason);
        }
        var native = SnapshotterFactory.Probe(dir.Path, _ => "overlay: not supported", () => "no /dev/fuse");
        using (native.Snapshotter)
        {
            Assert.Equal("native", native.Name);
            Assert.Equal("auto: overlay: not supported; no /dev/fuse; falling back to native (copying) snapshots", native.Reason);
        }
    }

    [Fact]
    public void An_unknown_backend_is_named_with_the_choices()
    {
        using var dir = new TestDirectory("img-auto");
        var e = Assert.Throws<ArgumentException>(() => SnapshotterFactory.Create("zfs", dir.Path));
        Assert.StartsWith("unknown snapshotter \"zfs\" (expected one of: auto, overlayfs, native, fuse-overlayfs)", e.Message);
    }
}
