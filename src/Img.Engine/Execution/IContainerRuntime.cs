using Img.Engine.Mounts;

namespace Img.Engine.Execution;

/// <summary>
/// Runs one process in a container whose root filesystem is the given snapshot mounts, and
/// returns its exit code (128+signal when killed by a signal). The runtime mounts the rootfs,
/// adds /proc, /dev, /sys, /etc/hosts, /etc/resolv.conf and /etc/hostname (kept out of the
/// rootfs, so out of the layer), runs, and unmounts; the caller then commits or diffs the snapshot.
/// Cancelling kills the container and throws <see cref="OperationCanceledException"/>.
/// </summary>
public interface IContainerRuntime
{
    Task<int> RunAsync(ExecSpec spec, IReadOnlyList<Mount> rootfs, ExecOutput output, CancellationToken ct = default);
}
