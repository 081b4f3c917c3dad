using System.Collections.Concurrent;
using System.Diagnostics;
using Img.Engine.Mounts;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Starts <c>runc run</c> processes. With a <see cref="DeviceCgroup"/> (root on a cgroup v1
/// host) every start happens on one dedicated thread, which for the fork steps into the devices
/// group and into a <see cref="ReadOnlyCgroupsNamespace"/>, so that runc (run with
/// <c>--rootless true</c>) creates no cgroups of its own and the container inherits the device
/// rules: see <see cref="DeviceCgroup"/> for why. Both moves affect only that thread, and only
/// between the two halves of one start. Without one, runc is started directly and manages its
/// cgroups itself.
/// </summary>
internal sealed class RuncLauncher
{
    private readonly DeviceCgroup? _devices;
    private readonly BlockingCollection<Action> _work = new();
    private readonly Lazy<Thread> _thread;
    private readonly IReadOnlyList<MountTableEntry> _mounts;
    private ReadOnlyCgroupsNamespace? _namespace;

    private RuncLauncher(DeviceCgroup? devices, IReadOnlyList<MountTableEntry> mounts, string? whyNot)
    {
        _devices = devices;
        _mounts = mounts;
        WhyRuncCgroups = whyNot;
        _thread = new Lazy<Thread>(() =>
        {
            var t = new Thread(Loop) { IsBackground = true, Name = "img runc launcher" };
            t.Start();
            return t;
        });
    }

    /// <summary>True when containers share the devices group and runc creates no cgroups (runc needs <c>--rootless true</c>).</summary>
    public bool SharedDeviceCgroup => _devices is not null;

    /// <summary>Why runc manages per-container cgroups itself (null when it does not).</summary>
    public string? WhyRuncCgroups { get; }

    /// <summary>
    /// Chooses how to start runc: with the shared devices group when this process is real root on
    /// a cgroup v1 devices hierarchy and <paramref name="allowShared"/>, else directly.
    /// </summary>
    public static RuncLauncher Create(bool rootless, bool allowShared)
    {
        if (rootless)
            return new RuncLauncher(null, [], "rootless: runc's cgroups are best-effort already");
        if (!allowShared)
            return new RuncLauncher(null, [], "per-container cgroups requested");
        var mounts = MountTable.Read();
        var devices = DeviceCgroup.TryOpen(mounts, out var reason);
        if (devices is null)
            return new RuncLauncher(null, mounts, reason);
        var launcher = new RuncLauncher(devices, mounts, null);
        // Try both moves once: if this process may not unshare or remount (seccomp, no
        // CAP_SYS_ADMIN), runc must manage its cgroups, with the device rules in the spec.
        var probe = launcher.RunOnThread(() => launcher.StartIsolated(devices, () => true));
        try
        {
            probe.GetAwaiter().GetResult();
            return launcher;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RuncLauncher(null, mounts, $"cannot start runc in the shared devices cgroup: {e.Message}");
        }
    }

    /// <summary>Starts the process (its stdio as <paramref name="psi"/> says).</summary>
    public Task<Process> StartAsync(ProcessStartInfo psi)
    {
        if (_devices is not { } devices)
            return Task.FromResult(StartProcess(psi));
        return RunOnThread(() => StartIsolated(devices, () => StartProcess(psi)));
    }

    private Task<T> RunOnThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = _thread.Value;
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private T StartIsolated<T>(DeviceCgroup devices, Func<T> start)
    {
        _namespace ??= new ReadOnlyCgroupsNamespace(_mounts);
        _namespace.Enter();
        try
        {
            devices.Enter();
            try
            {
                return start();
            }
            finally
            {
                devices.Leave();
            }
        }
        finally
        {
            _namespace.Leave();
        }
    }

    private static Process StartProcess(ProcessStartInfo psi) =>
        Process.Start(psi) ?? throw new ExecutionException($"cannot start {psi.FileName}");

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable())
            work();
    }
}
