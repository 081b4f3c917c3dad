namespace Img.Engine.Execution.Runc;

/// <summary>Settings of <see cref="RuncRuntime"/>.</summary>
/// <param name="StateDirectory">Holds the shared hosts/resolv.conf/hostname files (<c>etc/</c>), and runc's state (<c>runc/</c>) and one bundle per running step (<c>bundles/</c>) unless /dev/shm can hold them (<see cref="RuntimeDirectory"/>).</param>
/// <param name="RuncPath">The runc binary; null looks it up in PATH, /usr/sbin and /usr/bin.</param>
/// <param name="Rootless">Force rootless mode on or off; null decides from /proc/self/uid_map and the effective uid.</param>
/// <param name="SharedDeviceCgroup">
/// As real root on a cgroup v1 host: run every container in one shared devices cgroup instead of
/// letting runc create per-container cgroups (the default, null, is true; false restores runc's own).
/// </param>
/// <param name="Trace">Called with the name of each part of a run as it ends (benchmarks time them); null for none.</param>
public sealed record RuncRuntimeOptions(
    string StateDirectory,
    string? RuncPath = null,
    bool? Rootless = null,
    bool? SharedDeviceCgroup = null,
    Action<string>? Trace = null);
