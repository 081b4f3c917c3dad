using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>Mount-point stubs on a kernel overlay rootfs leave the upper directory as the step left it.</summary>
public sealed class MountStubTests : IAsyncLifetime
{
    private readonly TestDirectory _dir = new("img-stubs");
    private ISnapshotter _snapshotter = null!;
    private RuncRuntime _runtime = null!;

    public async Task InitializeAsync()
    {
        Requirements.Runc();
        _snapshotter = SnapshotterFactory.Create("overlayfs", _dir.Sub("snapshots")).Snapshotter;
        _runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state")));
        await BusyboxRootfs.CommitAsync(_snapshotter, "base", _dir.Path, runtimeDirs: false); // the runtime makes them
    }

    public Task DisposeAsync()
    {
        _snapshotter.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task RunAsync(IReadOnlyList<Mount> rootfs, string script, params Mount[] mounts)
    {
        var err = new List<string>();
        int exit = await _runtime.RunAsync(new ExecSpec { Args = ["sh", "-c", script], Mounts = mounts }, rootfs, new ExecOutput(null, err.Add));
        Assert.True(exit == 0, string.Join('\n', err));
    }

    [Fact]
    public async Task Proc_dev_and_sys_the_image_lacks_stay_in_the_layer_as_in_BuildKit()
    {
        // BuildKit cleans only /etc/hosts, /etc/resolv.conf and --mount targets; runc's own mount
        // points stay (buildkitd v0.11.6 writes /dev, /proc, /sys 0755 into the first RUN layer).
        var rootfs = await _snapshotter.PrepareAsync("p", "base");
        string upper = rootfs[0].Option("upperdir")!;

        await RunAsync(rootfs, "true", new Mount("tmpfs", "tmpfs", [], "/data/deep"));

        Assert.Equal(["dev", "proc", "sys"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
        foreach (var dir in new[] { "dev", "proc", "sys" })
        {
            var st = Posix.LStat(Path.Join(upper, dir));
            Assert.True(st.IsDirectory, dir);
            Assert.Equal(0x1EDu, st.Permissions); // 0755
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(upper, dir)));
        }
    }

    [Fact]
    public async Task Stubs_leave_the_upper_directory_and_its_root_times_alone()
    {
        var rootfs = await _snapshotter.PrepareAsync("a", "base");
        string upper = rootfs[0].Option("upperdir")!;
        await RunAsync(rootfs, "true"); // makes /proc, /dev, /sys (kept: see above)
        var before = Posix.LStat(upper);

        await RunAsync(rootfs, "ls /proc/1 /dev/null /sys/kernel /data >/dev/null", new Mount("tmpfs", "tmpfs", [], "/data/deep"));

        // the stub layer has /etc/hosts, resolv.conf and hostname: /etc is not even copied up
        Assert.Equal(["dev", "proc", "sys"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
        var after = Posix.LStat(upper);
        Assert.Equal((before.MtimeSeconds, before.MtimeNanoseconds), (after.MtimeSeconds, after.MtimeNanoseconds));
    }

    [Fact]
    public async Task A_stub_over_a_deleted_lower_entry_keeps_the_deletion()
    {
        // The base has /dir; the step deletes it (a whiteout in the upper directory), then runs
        // again with a mount at /dir: the stub replaces the whiteout and must give it back.
        var rootfs = await _snapshotter.PrepareAsync("b", "base");
        await RunAsync(rootfs, "rm -rf /dir");
        await RunAsync(rootfs, "test -d /dir", new Mount("tmpfs", "tmpfs", [], "/dir"));
        await RunAsync(rootfs, "test ! -e /dir");
        string upper = rootfs[0].Option("upperdir")!;
        Assert.True(Posix.LStat(Path.Join(upper, "dir")).IsOverlayWhiteout);
    }

    [Fact]
    public async Task A_stub_the_step_wrote_into_stays()
    {
        // /proc, /dev and /sys are mount points for the whole run; a bind mount's stub parent is not
        var rootfs = await _snapshotter.PrepareAsync("c", "base");
        await RunAsync(rootfs, "echo kept > /opt/file", new Mount("tmpfs", "tmpfs", [], "/opt/mnt"));
        string upper = rootfs[0].Option("upperdir")!;
        Assert.Equal(["file"], Directory.GetFileSystemEntries(Path.Join(upper, "opt")).Select(Path.GetFileName));
        Assert.Equal(["dev", "opt", "proc", "sys"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_whiteout_over_the_stub_layer_is_kept_and_the_stubs_are_cleaned()
    {
        // A parent that deleted /etc hides the stub layer's /etc too: runc creates the stubs in the
        // upper directory again, and they go again after the run.
        var deleting = await _snapshotter.PrepareAsync("d-active", "base");
        string mountpoint = _dir.Sub("d-mount");
        Mounter.MountAll(deleting, mountpoint);
        try
        {
            Directory.Delete(Path.Join(mountpoint, "etc"), recursive: true);
        }
        finally
        {
            Mounter.Unmount(mountpoint);
        }
        await _snapshotter.CommitAsync("no-etc", "d-active");

        var rootfs = await _snapshotter.PrepareAsync("d", "no-etc");
        await RunAsync(rootfs, "grep -q buildkitsandbox /etc/hostname && test -f /etc/hosts && ls /proc/1 >/dev/null");
        string upper = rootfs[0].Option("upperdir")!;
        Assert.Equal(["dev", "proc", "sys"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
        await RunAsync(rootfs, "test ! -e /etc/passwd");
    }

    [Fact]
    public async Task Nothing_a_step_does_reaches_the_stub_layer()
    {
        // The base has /etc but no /etc/hosts: the stub's empty file shows through, and a step that
        // writes next to it changes only its own upper directory.
        var rootfs = await _snapshotter.PrepareAsync("e", "base");
        await RunAsync(rootfs, "echo x > /etc/new && mkdir -p /proc/../sys/../made && touch /dev/../devfile");
        string layer = Path.Join(_dir.Sub("state"), "stubs-v2");
        Assert.Equal(["etc"], Directory.GetFileSystemEntries(layer).Select(Path.GetFileName).Order());
        Assert.Equal(["hostname", "hosts", "resolv.conf"], Directory.GetFileSystemEntries(Path.Join(layer, "etc")).Select(Path.GetFileName).Order());
        foreach (var file in Directory.GetFiles(Path.Join(layer, "etc")))
            Assert.Equal(0, new FileInfo(file).Length);
        string upper = rootfs[0].Option("upperdir")!;
        Assert.Equal(["dev", "devfile", "etc", "made", "proc", "sys"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
        Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.Join(upper, "etc")).Select(Path.GetFileName));
    }
}
