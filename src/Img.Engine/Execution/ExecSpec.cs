using Img.Engine.Graph;
using Img.Engine.Mounts;

namespace Img.Engine.Execution;

/// <summary>What to run in a container, independent of the runtime that runs it.</summary>
public sealed record ExecSpec
{
    /// <summary>The default hostname, the one BuildKit uses.</summary>
    public const string DefaultHostname = "buildkitsandbox";

    /// <summary>The PATH used when <see cref="Env"/> has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>argv; the first element is looked up in PATH inside the container.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary><c>NAME=value</c> entries.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Absolute working directory inside the container; created (root-owned, 0755) when missing.</summary>
    public string Cwd { get; init; } = "/";

    /// <summary><c>user[:group]</c> as names or numeric ids; null or empty means root.</summary>
    public string? User { get; init; }

    public string Hostname { get; init; } = DefaultHostname;

    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>Extra mounts (bind or tmpfs) with <see cref="Mount.Target"/> set to the absolute container path.</summary>
    public IReadOnlyList<Mount> Mounts { get; init; } = [];

    /// <summary>Extra <c>/etc/hosts</c> entries (host name, address), like <c>--add-host</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraHosts { get; init; } = [];

    /// <summary>Size of the container's <c>/dev/shm</c> in bytes; 0 = 64 MiB, docker's default.</summary>
    public long ShmSize { get; init; }

    /// <summary>Resource limits; one named like a default (<c>nofile</c>) replaces it.</summary>
    public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];

    /// <summary>
    /// The cgroup to create the container's under (<c>--cgroup-parent</c>); "" = runc's choice.
    /// Has an effect only where runc creates per-container cgroups.
    /// </summary>
    public string CgroupParent { get; init; } = "";

    /// <summary>Mount the root filesystem read-only.</summary>
    public bool ReadOnlyRootfs { get; init; }
}
