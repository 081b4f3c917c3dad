using Img.Engine.Graph;
using System.Diagnostics;
using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

public sealed class RuncRuntimeTests : IAsyncLifetime
{
    private readonly TestDirectory _dir = new("img-exec");
    private ISnapshotter _snapshotter = null!;
    private RuncRuntime _runtime = null!;
    private int _n;

    public async Task InitializeAsync()
    {
        Requirements.Runc();
        _snapshotter = SnapshotterFactory.Create("overlayfs", _dir.Sub("snapshots")).Snapshotter;
        _runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state")));
        await BusyboxRootfs.CommitAsync(_snapshotter, "base", _dir.Path);
    }

    public Task DisposeAsync()
    {
        _snapshotter.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(int Exit, List<string> Out, List<string> Err, IReadOnlyList<Mount> Mounts)> RunAsync(ExecSpec spec, CancellationToken ct = default)
    {
        var mounts = await _snapshotter.PrepareAsync("run" + Interlocked.Increment(ref _n), "base");
        var stdout = new List<string>();
        var stderr = new List<string>();
        int exit = await _runtime.RunAsync(spec, mounts, new ExecOutput(l => { lock (stdout) { stdout.Add(l); } }, l => { lock (stderr) { stderr.Add(l); } }), ct);
        return (exit, stdout, stderr, mounts);
    }

    private static ExecSpec Sh(string script) => new() { Args = ["sh", "-c", script] };

    [Fact]
    public async Task Echo_output_is_captured()
    {
        var r = await RunAsync(new ExecSpec { Args = ["echo", "hi"] });
        Assert.Equal(0, r.Exit);
        Assert.Equal(["hi"], r.Out);
        Assert.Empty(r.Err);
    }

    [Fact]
    public async Task Exit_code_and_stderr_are_reported()
    {
        var r = await RunAsync(Sh("echo one; echo oops >&2; printf 'no newline'; exit 3"));
        Assert.Equal(3, r.Exit);
        Assert.Equal(["one", "no newline"], r.Out);
        Assert.Equal(["oops"], r.Err);
    }

    [Fact]
    public async Task Env_and_cwd_are_applied()
    {
        var r = await RunAsync(new ExecSpec { Args = ["sh", "-c", "echo $FOO; pwd; echo $PATH"], Env = ["FOO=bar baz"], Cwd = "/work/here" });
        Assert.Equal(0, r.Exit);
        Assert.Equal(["bar baz", "/work/here", ExecSpec.DefaultPath], r.Out);
    }

    [Theory]
    [InlineData("app", "uid=1000(app) gid=1000(app) groups=1000(app),1001(extra)")]
    [InlineData("1000:1001", "uid=1000(app) gid=1001(extra) groups=1001(extra)")]
    [InlineData("app:extra", "uid=1000(app) gid=1001(extra) groups=1001(extra)")]
    [InlineData("4242", "uid=4242 gid=0(root) groups=0(root)")] // no passwd entry: gid 0, as BuildKit
    [InlineData("", "uid=0(root) gid=0(root) groups=0(root)")]
    public async Task User_is_resolved_by_name_or_id(string user, string expected)
    {
        var r = await RunAsync(new ExecSpec { Args = ["id"], User = user });
        Assert.Equal(0, r.Exit);
        Assert.Equal([expected], r.Out);
    }

    [Fact]
    public async Task Unknown_user_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<ExecutionException>(() => RunAsync(new ExecSpec { Args = ["id"], User = "nobody-here" }));
        Assert.Equal("unable to find user nobody-here: no matching entries in passwd file", e.Message);
    }

    [Fact]
    public async Task Network_none_has_only_loopback()
    {
        var r = await RunAsync(new ExecSpec { Args = ["sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"], Network = NetworkMode.None });
        Assert.Equal(0, r.Exit);
        Assert.Equal(["lo"], r.Out);
    }

    [Fact]
    public async Task Host_network_sees_the_hosts_interfaces()
    {
        var r = await RunAsync(new ExecSpec { Args = ["sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"], Network = NetworkMode.Host });
        var host = File.ReadAllLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Order().ToList();
        Assert.Equal(host, r.Out.Order().ToList());
    }

    [Fact]
    public async Task Etc_files_are_present_inside_but_stay_out_of_the_rootfs()
    {
        var r = await RunAsync(Sh("cat /etc/hostname; hostname; grep -c localhost /etc/hosts; grep -c nameserver /etc/resolv.conf; ls -d /proc/1 /dev/null /sys/kernel"));
        Assert.Equal(0, r.Exit);
        Assert.Equal(ExecSpec.DefaultHostname, r.Out[0]);
        Assert.Equal(ExecSpec.DefaultHostname, r.Out[1]);
        Assert.Equal("2", r.Out[2]);
        Assert.NotEqual("0", r.Out[3]);
        Assert.Equal(["/dev/null", "/proc/1", "/sys/kernel"], r.Out.Skip(4));

        string upper = r.Mounts[0].Option("upperdir")!;
        var leftovers = Directory.EnumerateFileSystemEntries(upper, "*", SearchOption.AllDirectories).ToList();
        Assert.True(leftovers.Count == 0 || leftovers.All(p => p == Path.Join(upper, "etc")), string.Join(", ", leftovers));
    }

    [Fact]
    public async Task Custom_hostname_and_extra_hosts()
    {
        var r = await RunAsync(new ExecSpec
        {
            Args = ["sh", "-c", "hostname; grep myhost /etc/hosts | wc -l; grep 10.1.2.3 /etc/hosts"],
            Hostname = "myhost",
            ExtraHosts = [new("db.local", "10.1.2.3")],
        });
        Assert.Equal(["myhost", "1", "10.1.2.3\tdb.local"], r.Out.Select(s => s.Trim()));
    }

    [Fact]
    public async Task Readonly_rootfs_refuses_writes()
    {
        var r = await RunAsync(new ExecSpec { Args = ["touch", "/x"], ReadOnlyRootfs = true });
        Assert.NotEqual(0, r.Exit);
    }

    [Fact]
    public async Task Extra_bind_and_tmpfs_mounts()
    {
        string data = _dir.Sub("data");
        File.WriteAllText(Path.Join(data, "f"), "from host");
        var r = await RunAsync(new ExecSpec
        {
            Args = ["sh", "-c", "cat /mnt/data/f; echo; touch /mnt/data/g || echo ro; echo t > /scratch/t && cat /scratch/t"],
            Mounts = [Mount.Bind(data, readOnly: true, target: "/mnt/data"), new Mount("tmpfs", "tmpfs", ["size=1m"], "/scratch")],
        });
        Assert.Equal(0, r.Exit);
        Assert.Equal(["from host", "ro", "t"], r.Out);
        Assert.False(File.Exists(Path.Join(data, "g")));
        string upper = r.Mounts[0].Option("upperdir")!;
        Assert.False(Directory.Exists(Path.Join(upper, "scratch")));
        Assert.False(Directory.Exists(Path.Join(upper, "mnt")));
    }

    [Fact]
    public async Task Cancellation_kills_the_container()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(new ExecSpec { Args = ["sleep", "100"] }, cts.Token));
        sw.Stop();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.Empty(Directory.GetDirectories(Path.Join(_runtime.RuntimeRoot, "bundles")));
        Assert.Empty(Directory.GetDirectories(Path.Join(_runtime.RuntimeRoot, "runc")));
    }

    [Fact]
    public async Task Missing_command_fails_with_nonzero_exit()
    {
        var r = await RunAsync(new ExecSpec { Args = ["/no/such/program"] });
        Assert.NotEqual(0, r.Exit);
    }

    [Fact]
    public async Task Cgroup_parent_places_per_container_cgroups_under_it()
    {
        // per-container cgroups (not the shared devices cgroup): runc makes them, under the parent
        var executor = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state-cgroups"), SharedDeviceCgroup: false));
        var parent = "img-test-" + Guid.NewGuid().ToString("N")[..8];
        var mounts = await _snapshotter.PrepareAsync("cgroup-parent", "base");
        var stdout = new List<string>();
        try
        {
            var exit = await executor.RunAsync(Sh("cat /proc/self/cgroup") with { CgroupParent = parent }, mounts,
                new ExecOutput(l => { lock (stdout) { stdout.Add(l); } }, _ => { }));
            Assert.Equal(0, exit);
            Assert.Contains(stdout, line => line.Contains($"/{parent}/buildkit/img-", StringComparison.Ordinal));
        }
        finally
        {
            // runc removes the container's cgroups; the parent directories it created stay
            foreach (var dir in Directory.EnumerateDirectories("/sys/fs/cgroup").Select(c => Path.Join(c, parent)).Append(Path.Join("/sys/fs/cgroup", parent)))
            {
                if (Directory.Exists(Path.Join(dir, "buildkit")))
                    Directory.Delete(Path.Join(dir, "buildkit"));
                if (Directory.Exists(dir))
                    Directory.Delete(dir);
            }
        }
    }

    [Fact]
    public void Ulimits_replace_the_default_of_their_name_and_minus_one_is_infinity()
    {
        Assert.Equal([("RLIMIT_NOFILE", 1024UL, 1024UL)], RuntimeSpecBuilder.Rlimits([]));
        Assert.Equal(
            [("RLIMIT_NOFILE", 10UL, 20UL), ("RLIMIT_STACK", ulong.MaxValue, ulong.MaxValue)],
            RuntimeSpecBuilder.Rlimits([new Ulimit("nofile", 10, 20), new Ulimit("stack", -1, -1)]));
    }
}
