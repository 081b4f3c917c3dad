using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>Mount-point stubs on a kernel overlay rootfs leave the upper directory as the step left it.</summary>
public sealed class MountStubTests : IAsyncLifetime
{
    private readonly TestDirectory _dir = new("img-stubs");
    private ISnapshotter _snapshotter = null!;
    private RuncExecutor _executor = null!;

    public async Task InitializeAsync()
    {
        Requirements.Runc();
        _snapshotter = SnapshotterFactory.Create("overlayfs", _dir.Sub("snapshots")).Snapshotter;
        _executor = new RuncExecutor(new RuncExecutorOptions(_dir.Sub("state")));
        await BusyboxRootfs.CommitAsync(_snapshotter, "base", _dir.Path);
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
        int exit = await _executor.RunAsync(new ExecSpec { Args = ["sh", "-c", script], Mounts = mounts }, rootfs, new ExecOutput(null, err.Add));
        Assert.True(exit == 0, string.Join('\n', err));
    }

    [Fact]
    public async Task Stubs_leave_the_upper_directory_and_its_root_times_alone()
    {
        var rootfs = await _snapshotter.PrepareAsync("a", "base");
        string upper = rootfs[0].Option("upperdir")!;
        var before = LibC.LStat(upper);

        await RunAsync(rootfs, "ls /proc/1 /dev/null /sys/kernel /data >/dev/null", new Mount("tmpfs", "tmpfs", [], "/data/deep"));

        // /etc is copied up to hold the hosts/resolv.conf/hostname stubs (the differ skips it: metadata unchanged)
        Assert.Equal(["etc"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(upper, "etc")));
        var after = LibC.LStat(upper);
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
        Assert.True(LibC.LStat(Path.Join(upper, "dir")).IsOverlayWhiteout);
    }

    [Fact]
    public async Task A_stub_the_step_wrote_into_stays()
    {
        // /proc, /dev and /sys are mount points for the whole run; a bind mount's stub parent is not
        var rootfs = await _snapshotter.PrepareAsync("c", "base");
        await RunAsync(rootfs, "echo kept > /opt/file", new Mount("tmpfs", "tmpfs", [], "/opt/mnt"));
        string upper = rootfs[0].Option("upperdir")!;
        Assert.Equal(["file"], Directory.GetFileSystemEntries(Path.Join(upper, "opt")).Select(Path.GetFileName));
        Assert.Equal(["etc", "opt"], Directory.GetFileSystemEntries(upper).Select(Path.GetFileName).Order());
    }
}
