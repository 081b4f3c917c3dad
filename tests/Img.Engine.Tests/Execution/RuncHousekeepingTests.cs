using System.Diagnostics;
using Img.Engine.Execution.Runc;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>Naming and cleaning of what the runc runtime keeps outside the snapshots.</summary>
public sealed class RuncHousekeepingTests
{
    [Fact]
    public void Container_ids_name_their_process()
    {
        Assert.StartsWith($"img-{Environment.ProcessId:x}-", ContainerReaper.ContainerPrefix);
        Assert.True(StaleContainers.IsLive(ContainerReaper.ContainerPrefix + "0123456789ab"));
        Assert.False(StaleContainers.IsLive("img-7fffffff-0123456789ab")); // no such pid
        Assert.False(StaleContainers.IsLive("img-29cfa72b2c0af4df")); // ids of img before the prefix
        Assert.False(StaleContainers.IsLive("something-else"));
    }

    [Fact]
    public void Devices_group_is_read_from_proc_cgroup()
    {
        using var dir = new TestDirectory("img-cg");
        var file = Path.Join(dir.Path, "cgroup");
        File.WriteAllText(file, "9:name=systemd:/user.slice\n5:devices:/user.slice/x\n4:cpu,cpuacct:/\n0::/\n");
        Assert.Equal("/user.slice/x", DeviceCgroup.OwnGroup(file));
        File.WriteAllText(file, "0::/init.scope\n");
        Assert.Null(DeviceCgroup.OwnGroup(file));
    }

    [Fact]
    public void Runtime_directory_is_private_tmpfs_and_orphans_go()
    {
        using var dir = new TestDirectory("img-rt");
        var state = dir.Sub("state");
        var runtime = RuntimeDirectory.For(state);
        if (runtime == state)
        {
            return; // no usable /dev/shm here: the state directory is used, nothing to clean
        }
        Assert.StartsWith("/dev/shm/img-", runtime);
        Assert.Equal(runtime, RuntimeDirectory.For(state));
        Assert.Equal(state, File.ReadAllText(Path.Join(runtime, "state")));
        Directory.CreateDirectory(Path.Join(runtime, "runc"));

        // a state directory that is gone: its runtime directory goes at the next start, unless a container is in it
        var gone = dir.Sub("gone");
        var busy = dir.Sub("busy");
        var goneRuntime = RuntimeDirectory.For(gone);
        var busyRuntime = RuntimeDirectory.For(busy);
        Directory.CreateDirectory(Path.Join(goneRuntime, "runc"));
        Directory.CreateDirectory(Path.Join(busyRuntime, "runc", "img-1-container"));
        Directory.Delete(gone);
        Directory.Delete(busy);
        RuntimeDirectory.For(state);
        Assert.False(Directory.Exists(goneRuntime));
        Assert.True(Directory.Exists(busyRuntime));
        Directory.Delete(busyRuntime, recursive: true);
        Directory.Delete(runtime, recursive: true);
    }

    [Fact]
    public void Etc_files_are_written_once_per_content_and_readable_by_all()
    {
        using var dir = new TestDirectory("img-etc");
        var etc = new SharedEtcFiles(dir.Path);
        var a = etc.For(new Engine.Execution.ExecSpec { Args = ["true"] });
        var b = etc.For(new Engine.Execution.ExecSpec { Args = ["false"], Cwd = "/x" });
        var c = etc.For(new Engine.Execution.ExecSpec { Args = ["true"], Hostname = "other" });
        Assert.Equal(a, b);
        Assert.NotEqual(a.Hosts, c.Hosts);
        Assert.Equal("buildkitsandbox\n", File.ReadAllText(a.Hostname));
        Assert.Equal("other\n", File.ReadAllText(c.Hostname));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(a.Hosts));
        Assert.Equal(2, Directory.GetDirectories(dir.Path).Length);
        // a new process (a new instance) finds the same files
        Assert.Equal(a, new SharedEtcFiles(dir.Path).For(new Engine.Execution.ExecSpec { Args = ["true"] }));
    }

    [Fact]
    public void Runc_runs_from_one_sealed_copy_per_process()
    {
        Requirements.Runc();
        var installed = Img.Engine.Mounts.Mounter.FindProgram("runc")!;
        var copy = RuncBinary.SealedCopyOf(installed);
        Assert.StartsWith($"/proc/{Environment.ProcessId}/fd/", copy);
        Assert.Same(copy, RuncBinary.SealedCopyOf(installed));
        Assert.Equal(File.ReadAllBytes(installed), File.ReadAllBytes(copy));
        Assert.ThrowsAny<Exception>(() => File.AppendAllText(copy, "x")); // sealed against writes
    }
}
