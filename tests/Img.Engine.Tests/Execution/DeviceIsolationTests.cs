using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>
/// What a RUN may do with devices, in both cgroup modes of the runtime (one devices group shared
/// by all containers, or runc's per-container cgroups): the Docker/BuildKit rules, mknod allowed,
/// only the standard character devices readable and writable.
/// </summary>
public sealed class DeviceIsolationTests : IAsyncLifetime
{
    // Creating the nodes is allowed ("b *:* m", "c *:* m"); opening a disk is not.
    private const string Probe =
        "mknod /disk b 8 0 && echo mknod-ok; head -c 1 /disk >/dev/null 2>&1 && echo disk-readable || echo disk-denied; " +
        "mknod /null c 1 3 && echo hi > /null && echo null-ok; grep -E ':(devices|cpu,cpuacct|cpu):' /proc/self/cgroup";

    private readonly TestDirectory _dir = new("img-devices");
    private ISnapshotter _snapshotter = null!;
    private int _n;

    public async Task InitializeAsync()
    {
        Requirements.Runc();
        _snapshotter = SnapshotterFactory.Create("overlayfs", _dir.Sub("snapshots")).Snapshotter;
        await BusyboxRootfs.CommitAsync(_snapshotter, "base", _dir.Path);
    }

    public Task DisposeAsync()
    {
        _snapshotter.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<List<string>> RunAsync(RuncRuntime runtime, string script)
    {
        var mounts = await _snapshotter.PrepareAsync("run" + Interlocked.Increment(ref _n), "base");
        var output = new List<string>();
        var errors = new List<string>();
        int exit = await runtime.RunAsync(new ExecSpec { Args = ["sh", "-c", script] }, mounts, new ExecOutput(output.Add, errors.Add));
        Assert.True(exit == 0, $"exit {exit}: {string.Join('\n', errors)}");
        return output;
    }

    private static bool HostHasDevicesV1 =>
        MountTable.Read().Any(m => m.FsType == "cgroup" && m.SuperOptions.Contains("devices"));

    [Fact]
    public async Task Shared_device_cgroup_keeps_the_device_rules_without_per_container_cgroups()
    {
        var runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state-shared")));
        Assert.Equal(HostHasDevicesV1, runtime.SharedDeviceCgroup);
        var output = await RunAsync(runtime, Probe);

        Assert.Equal(["mknod-ok", "disk-denied", "null-ok"], output.Take(3));
        if (!runtime.SharedDeviceCgroup)
        {
            return;
        }
        Assert.EndsWith("/img-runc", output.Single(l => l.Contains(":devices:")));
        // other controllers: the test process's own groups, no per-container ones
        static string? Cpu(IEnumerable<string> lines) => lines.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[1] == "cpu")?[2];
        Assert.Equal(Cpu(File.ReadAllLines("/proc/self/cgroup")), Cpu(output));
    }

    [Fact]
    public async Task Per_container_cgroups_on_request_have_the_same_rules()
    {
        var runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state-own"), SharedDeviceCgroup: false));
        Assert.False(runtime.SharedDeviceCgroup);
        var output = await RunAsync(runtime, Probe);

        Assert.Equal(["mknod-ok", "disk-denied", "null-ok"], output.Take(3));
        Assert.Contains(ContainerReaper.ContainerPrefix, output.Single(l => l.Contains(":devices:")));
    }

    [Fact]
    public async Task Concurrent_runs_share_the_group_and_leave_the_launcher_thread_clean()
    {
        var runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state-parallel")));
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => RunAsync(runtime, $"echo {i}; cat /etc/hostname")));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i.ToString()), runs.Select(r => r[0]));
        Assert.All(runs, r => Assert.Equal(ExecSpec.DefaultHostname, r[1]));
        // this process never stays in the devices group or in a read-only cgroup namespace
        Assert.All(Directory.GetDirectories("/proc/self/task"), t => Assert.DoesNotContain("img-runc", File.ReadAllText(Path.Join(t, "cgroup"))));
        Assert.DoesNotContain(MountTable.Read(), m => m.FsType is "cgroup" or "cgroup2" && m.MountOptions.Contains("ro") && !m.MountOptions.Contains("rw"));
    }

    [Fact]
    public async Task Many_starts_under_allocation_pressure_fail_none_and_strand_no_thread()
    {
        // The launcher's threads enter a throw-away mount namespace and the devices group for
        // good; threads .NET creates meanwhile (signal handling, compilation, GC) must not end
        // up stuck there, and no start may fail (a launcher that moved back with setns did).
        var launcher = RuncLauncher.Create(rootless: false, allowShared: true);
        if (!launcher.SharedDeviceCgroup)
        {
            Assert.False(HostHasDevicesV1, launcher.WhyRuncCgroups);
            return;
        }
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[64 * 1024]);
                if (keep.Count > 256)
                    keep.Clear();
            }
        });
        for (int i = 0; i < 150; i++)
        {
            var psi = new System.Diagnostics.ProcessStartInfo(Mounter.FindProgram("true")!)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = await launcher.StartAsync(psi);
            await p.WaitForExitAsync();
        }
        stop.Cancel();
        await noise;
        var stranded = Directory.GetDirectories("/proc/self/task")
            .Where(t => File.ReadAllText(Path.Join(t, "cgroup")).Contains("img-runc"))
            .Select(t => File.ReadAllText(Path.Join(t, "comm")).Trim())
            .Where(name => !name.StartsWith(".NET Tiered", StringComparison.Ordinal) && !name.StartsWith(".NET BGC", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(stranded);
    }
}
