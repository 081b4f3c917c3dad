using System.Diagnostics;
using Img.Engine.Mounts;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Starts <c>runc run</c> processes. With a <see cref="DeviceCgroup"/> (root on a cgroup v1
/// host) each start happens on a thread of its own, which steps into the devices group and into a
/// <see cref="ReadOnlyCgroupsNamespace"/>, forks runc and ends: runc (run with
/// <c>--rootless true</c>) then creates no cgroups of its own and the container inherits the
/// device rules (see <see cref="DeviceCgroup"/> for why). Without one, runc is started directly
/// and manages its cgroups itself.
/// <para>
/// Why a thread per start that never moves back: a thread the runtime creates from another
/// thread shares its file-system context and namespaces. .NET creates threads on whatever thread
/// needs one (its signal thread at the first process start, the tiered-compilation worker when a
/// method gets hot, a background GC thread), and a long-lived launcher that left its namespace
/// with setns(2) then failed with EINVAL (the context was shared) and had left such a thread
/// behind in the throw-away namespace. A thread that ends instead of moving back has nothing to
/// undo; it queues no work (the caller waits for it), so no pool thread is ever born there; and
/// .NET's process support is started beforehand on an ordinary thread, so its signal thread is
/// not either. What can still start there, the compilation worker or a GC thread, neither
/// mounts nor opens devices.
/// </para>
/// </summary>
internal sealed class RuncLauncher
{
    private readonly DeviceCgroup? _devices;
    private readonly ReadOnlyCgroupsNamespace? _namespace;

    private RuncLauncher(DeviceCgroup? devices, ReadOnlyCgroupsNamespace? ns, string? whyNot)
    {
        _devices = devices;
        _namespace = ns;
        WhyRuncCgroups = whyNot;
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
            return new RuncLauncher(null, null, "rootless: runc's cgroups are best-effort already");
        if (!allowShared)
            return new RuncLauncher(null, null, "per-container cgroups requested");
        var mounts = MountTable.Read();
        var devices = DeviceCgroup.TryOpen(mounts, out var reason);
        if (devices is null)
            return new RuncLauncher(null, null, reason);
        var truePath = Mounter.FindProgram("true");
        if (truePath is null)
            return new RuncLauncher(null, null, "no true(1) to start .NET's child process support with");
        var launcher = new RuncLauncher(devices, new ReadOnlyCgroupsNamespace(mounts), null);
        try
        {
            // First an ordinary start (it brings up .NET's signal thread here), then the isolated
            // path once: a process that may not unshare or remount (seccomp, no CAP_SYS_ADMIN)
            // falls back to runc's own cgroups, with the device rules in the spec.
            using (var plain = StartProcess(new ProcessStartInfo(truePath) { UseShellExecute = false }))
                plain.WaitForExit();
            using (var probe = launcher.StartIsolated(new ProcessStartInfo(truePath) { UseShellExecute = false }))
                probe.WaitForExit();
            return launcher;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return new RuncLauncher(null, null, $"cannot start runc in the shared devices cgroup: {e.Message}");
        }
    }

    /// <summary>Starts the process (its stdio as <paramref name="psi"/> says); blocks until it is started.</summary>
    public Task<Process> StartAsync(ProcessStartInfo psi) =>
        Task.FromResult(_devices is null ? StartProcess(psi) : StartIsolated(psi));

    private Process StartIsolated(ProcessStartInfo psi)
    {
        Process? started = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                _namespace!.Enter();
                _devices!.Enter();
                started = StartProcess(psi);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "img runc start",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return started!;
    }

    private static Process StartProcess(ProcessStartInfo psi) =>
        Process.Start(psi) ?? throw new ExecutionException($"cannot start {psi.FileName}");
}
