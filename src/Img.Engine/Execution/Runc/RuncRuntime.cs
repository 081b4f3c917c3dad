using System.Diagnostics;
using System.Security.Cryptography;
using Img.Engine.Execution.Emulation;
using System.Text;
using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Runs steps with <c>runc run</c> (foreground, stdin closed, stdout and stderr piped and
/// delivered line by line). Per run: a bundle directory with the rootfs mount point and the
/// generated <c>config.json</c>; hosts, resolv.conf and hostname come from
/// <see cref="SharedEtcFiles"/> (read-only); mount-point stubs the runtime creates in the rootfs
/// are removed afterwards. As real root on a cgroup v1 host, containers run in one shared devices
/// cgroup instead of per-container cgroups (<see cref="RuncLauncher"/>, <see cref="DeviceCgroup"/>).
/// Rootless (not root in the initial user namespace) uses <c>runc --rootless true</c>, no cgroup
/// rules, a bind-mounted /sys (sysfs with --network=none), and a user namespace only when this
/// process is not already inside one. The containers of a killed img are killed by
/// <see cref="ContainerReaper"/>; what survives even that is swept at the next start (<see cref="StaleContainers"/>).
/// </summary>
public sealed class RuncRuntime : IContainerRuntime
{
    private readonly string _runc;
    private readonly Lazy<string> _runcToRun;
    private readonly string _runcRoot;
    private readonly string _bundles;
    private readonly RuntimeSpecBuilder.Isolation _isolation;
    private readonly RuncLauncher _launcher;
    private readonly SharedEtcFiles _etc;
    private readonly string _stubLayer;
    private readonly Action<string>? _trace;

    public RuncRuntime(RuncRuntimeOptions options)
    {
        _runc = options.RuncPath ?? Mounter.FindProgram("runc")
            ?? throw new ExecutionException("runc is not installed (Debian package runc)");
        _runcToRun = new Lazy<string>(() => RuncBinary.SealedCopyOf(_runc)); // made at the first RUN, not for builds without one
        string state = Path.GetFullPath(options.StateDirectory);
        Directory.CreateDirectory(state);
        RuntimeRoot = RuntimeDirectory.For(state);
        _runcRoot = Path.Join(RuntimeRoot, "runc");
        _bundles = Path.Join(RuntimeRoot, "bundles");
        Directory.CreateDirectory(_runcRoot);
        Directory.CreateDirectory(_bundles);
        _etc = new SharedEtcFiles(Path.Join(state, "etc")); // written once, never removed: no need for tmpfs
        _stubLayer = StubLayer.Ensure(state);
        _trace = options.Trace;
        bool rootless = options.Rootless ?? !UserNamespace.IsRealRoot;
        bool newUserNs = rootless && UserNamespace.IsInitial;
        _launcher = RuncLauncher.Create(rootless, options.SharedDeviceCgroup ?? true);
        _isolation = new RuntimeSpecBuilder.Isolation(rootless, newUserNs, Posix.GetEffectiveUserId(), Posix.GetEffectiveGroupId(),
            DeviceRules: !rootless && !_launcher.SharedDeviceCgroup, PerContainerCgroups: !rootless && !_launcher.SharedDeviceCgroup);
        bool rootlessFlag = GlobalArgs().Contains("--rootless");
        StaleContainers.Sweep(_runc, rootlessFlag, _runcRoot, _bundles);
        if (RuntimeRoot != state)
        {
            // where img kept them before RuntimeDirectory
            StaleContainers.Sweep(_runc, rootlessFlag, Path.Join(state, "runc"), Path.Join(state, "bundles"));
        }
    }

    /// <summary>The directory holding runc's state and the bundles (tmpfs when possible, see <see cref="RuntimeDirectory"/>).</summary>
    public string RuntimeRoot { get; }

    /// <summary>True when containers run in rootless mode.</summary>
    public bool Rootless => _isolation.Rootless;

    /// <summary>True when containers share one devices cgroup and runc creates no per-container cgroups.</summary>
    public bool SharedDeviceCgroup => _launcher.SharedDeviceCgroup;

    /// <summary>Why runc creates per-container cgroups (for <c>--debug</c>); null when it does not.</summary>
    public string? PerContainerCgroupsReason => _launcher.WhyRuncCgroups;

    /// <inheritdoc/>
    public async Task<int> RunAsync(ExecSpec spec, IReadOnlyList<Mount> rootfs, ExecOutput output, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        string id = ContainerReaper.ContainerPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string bundle = Path.Join(_bundles, id);
        string rootfsDir = Path.Join(bundle, "rootfs");
        Directory.CreateDirectory(rootfsDir);
        MountStubs? stubs = null;
        bool mounted = false;
        rootfs = StubLayer.Under(rootfs, _stubLayer);
        try
        {
            Mounter.MountAll(rootfs, rootfsDir);
            mounted = true;
            _trace?.Invoke("mount rootfs");

            ResolvedUser user = UserResolver.Resolve(rootfsDir, spec.User);
            EnsureCwd(rootfsDir, spec.Cwd);
            // a program of another architecture needs QEMU through binfmt_misc: say so rather than "exec format error"
            ForeignArchitectureCheck.Host.Check(rootfsDir, spec);
            var etc = _etc.For(spec);
            using (var fs = new FileStream(Path.Join(bundle, "config.json"), FileMode.CreateNew, FileAccess.Write))
            {
                RuntimeSpecBuilder.Write(fs, spec, user, rootfsDir, etc, _isolation, id);
            }
            _trace?.Invoke("user, etc files, config.json");
            stubs = MountStubs.Record(rootfsDir, RuntimeSpecBuilder.Mounts(spec, etc, _isolation)
                .Select(m => m.Destination).Where(d => !KeptMountPoints.Contains(d)), rootfs);
            _trace?.Invoke("record stubs");
            ContainerReaper.Watch(_runc, _runcRoot, _bundles);

            return await RunRuncAsync(id, bundle, output, ct).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                if (mounted && stubs is not null)
                {
                    mounted = false;
                    stubs.CleanAndUnmount(() => Mounter.Unmount(rootfsDir));
                    _trace?.Invoke("clean stubs, unmount rootfs");
                }
            }
            finally
            {
                if (mounted)
                {
                    Mounter.Unmount(rootfsDir);
                }
                TryDeleteBundle(bundle);
                _trace?.Invoke("delete bundle");
            }
        }
    }

    private async Task<int> RunRuncAsync(string id, string bundle, ExecOutput output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(_runcToRun.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = bundle,
        };
        foreach (string a in GlobalArgs())
        {
            psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("--no-new-keyring");
        psi.ArgumentList.Add("--bundle");
        psi.ArgumentList.Add(bundle);
        psi.ArgumentList.Add(id);

        using Process p = await _launcher.StartAsync(psi).ConfigureAwait(false);
        _trace?.Invoke("start runc");
        p.StandardInput.Close();
        Task outPump = PumpLinesAsync(p.StandardOutput.BaseStream, output.Stdout);
        Task errPump = PumpLinesAsync(p.StandardError.BaseStream, output.Stderr);

        Task? killer = null;
        using (ct.Register(() => killer = Task.Run(() => KillUntilExit(id, p))))
        {
            await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(outPump, errPump).ConfigureAwait(false);
            _trace?.Invoke("runc run");
        }

        if (killer is not null)
        {
            await killer.ConfigureAwait(false);
            await RuncQuietAsync("delete", "--force", id).ConfigureAwait(false);
            throw new OperationCanceledException(ct);
        }
        return p.ExitCode;
    }

    private void KillUntilExit(string id, Process p)
    {
        // The container may not exist yet (runc still creating it): retry until runc run exits.
        for (int i = 0; i < 400 && !p.HasExited; i++)
        {
            RuncQuietAsync("kill", id, "KILL").GetAwaiter().GetResult();
            if (p.WaitForExit(25))
            {
                return;
            }
        }
    }

    private IEnumerable<string> GlobalArgs()
    {
        yield return "--root";
        yield return _runcRoot;
        // With the shared devices cgroup, runc must take its EROFS on cgroup creation as "no cgroups".
        if (_isolation.Rootless || _launcher.SharedDeviceCgroup)
        {
            yield return "--rootless";
            yield return "true";
        }
    }

    private async Task RuncQuietAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(_runc) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in GlobalArgs().Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        using Process? p = Process.Start(psi);
        if (p is null)
        {
            return;
        }
        await Task.WhenAll(p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync()).ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
    }

    private static async Task PumpLinesAsync(Stream stream, Action<string>? sink)
    {
        byte[] buf = new byte[16384];
        var pending = new MemoryStream();
        while (true)
        {
            int n = await stream.ReadAsync(buf).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            if (sink is null)
            {
                continue;
            }
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buf[i] != (byte)'\n')
                {
                    continue;
                }
                pending.Write(buf, start, i - start);
                sink(Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length));
                pending.SetLength(0);
                start = i + 1;
            }
            pending.Write(buf, start, n - start);
        }
        if (sink is not null && pending.Length > 0)
        {
            sink(Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length));
        }
    }

    private static void EnsureCwd(string rootfs, string cwd)
    {
        if (string.IsNullOrEmpty(cwd) || cwd == "/")
        {
            return;
        }
        if (!cwd.StartsWith('/'))
        {
            throw new ExecutionException($"working directory must be absolute: {cwd}");
        }
        string host = RootfsPath.Resolve(rootfs, cwd);
        var missing = new Stack<string>();
        for (string d = host; d.Length > rootfs.Length && Posix.TryLStat(d) is null; d = Path.GetDirectoryName(d)!)
        {
            missing.Push(d);
        }
        while (missing.Count > 0)
        {
            string d = missing.Pop();
            Directory.CreateDirectory(d);
            Posix.Chmod(d, 0x1ED); // 0755, whatever the umask
        }
    }

    private static void TryDeleteBundle(string bundle)
    {
        try
        {
            foreach (string f in Directory.EnumerateFiles(bundle))
            {
                File.Delete(f);
            }
            string rootfs = Path.Join(bundle, "rootfs");
            if (Directory.Exists(rootfs))
            {
                Directory.Delete(rootfs); // not recursive: never delete through a mount that stayed
            }
            Directory.Delete(bundle);
        }
        catch (IOException)
        {
        }
    }
}
