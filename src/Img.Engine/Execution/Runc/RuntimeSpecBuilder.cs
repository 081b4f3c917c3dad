using Img.Engine.Graph;
using System.Text.Json;
using Img.Engine.Mounts;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Writes an OCI runtime-spec <c>config.json</c> for one RUN step with Docker's defaults:
/// its capability set, masked and read-only /proc and /sys paths, a 1024 open-files limit,
/// /proc, a tmpfs /dev (runc adds the standard device nodes, bind-mounting them when rootless),
/// devpts, /dev/shm, /dev/mqueue and /sys, plus read-only bind mounts of the generated hosts,
/// resolv.conf and hostname files.
/// </summary>
public static class RuntimeSpecBuilder
{
    /// <summary>Docker's default capabilities.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>Docker's default masked paths.</summary>
    public static readonly IReadOnlyList<string> MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ];

    /// <summary>Docker's default read-only paths.</summary>
    public static readonly IReadOnlyList<string> ReadonlyPaths =
    [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    private static readonly string[] EtcOptions = ["nosuid", "noexec", "nodev", "rbind", "ro"];

    /// <summary>How the container is isolated, decided by the runtime from the process's privileges.</summary>
    /// <param name="Rootless">Not real root: /sys bind-mounted unless the step has its own network namespace, no devpts gid option.</param>
    /// <param name="NewUserNamespace">Create a user namespace mapping container root to <paramref name="HostUid"/>/<paramref name="HostGid"/> (rootless outside any user namespace).</param>
    /// <param name="DeviceRules">Ask runc for the deny-all device cgroup rule (runc adds its default allowed devices); false when rootless or when the container runs in the shared devices cgroup, which has the same rules.</param>
    /// <param name="PerContainerCgroups">runc creates the container's cgroups (real root, not in the shared devices cgroup): only then does a <c>--cgroup-parent</c> place them.</param>
    public sealed record Isolation(bool Rootless, bool NewUserNamespace, uint HostUid = 0, uint HostGid = 0, bool DeviceRules = true, bool PerContainerCgroups = false);

    /// <summary>The generated files bind-mounted into the container.</summary>
    public sealed record EtcFiles(string Hosts, string ResolvConf, string Hostname);

    /// <summary>The mounts (destination, type, source, options) the container gets, in order.</summary>
    public static List<(string Destination, string Type, string Source, string[] Options)> Mounts(ExecSpec spec, EtcFiles etc, Isolation isolation)
    {
        var m = new List<(string, string, string, string[])>
        {
            ("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
            ("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            ("/dev/pts", "devpts", "devpts", isolation.Rootless
                ? ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
                : ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            ("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", ShmSizeOption(spec.ShmSize)]),
            ("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
            // Rootless may mount sysfs only for a network namespace it owns (--network=none);
            // with the host's network it bind-mounts the host's /sys.
            isolation.Rootless && spec.Network != NetworkMode.None
                ? ("/sys", "none", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"])
                : ("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
            // Read-only, as BuildKit mounts them: the files are shared by every step (SharedEtcFiles).
            ("/etc/resolv.conf", "bind", etc.ResolvConf, EtcOptions),
            ("/etc/hosts", "bind", etc.Hosts, EtcOptions),
            ("/etc/hostname", "bind", etc.Hostname, EtcOptions),
        };
        foreach (Mount x in spec.Mounts)
        {
            if (string.IsNullOrEmpty(x.Target) || !x.Target.StartsWith('/'))
            {
                throw new ExecutionException($"mount target must be an absolute path: {x}");
            }
            string[] options = x.Type == "bind" && !x.Options.Contains("bind") && !x.Options.Contains("rbind")
                ? ["rbind", .. x.Options]
                : [.. x.Options];
            m.Add((x.Target, x.Type, x.Source, options));
        }
        return m;
    }

    /// <summary>Writes <c>config.json</c> to <paramref name="output"/>.</summary>
    public static void Write(Stream output, ExecSpec spec, ResolvedUser user, string rootfsPath, EtcFiles etc, Isolation isolation, string id = "")
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        w.WriteStartObject();
        w.WriteString("ociVersion", "1.0.2");

        w.WriteStartObject("process");
        w.WriteBoolean("terminal", false);
        w.WriteStartObject("user");
        w.WriteNumber("uid", user.Uid);
        w.WriteNumber("gid", user.Gid);
        w.WriteStartArray("additionalGids");
        foreach (uint g in user.AdditionalGids)
        {
            w.WriteNumberValue(g);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        WriteStrings(w, "args", spec.Args);
        WriteStrings(w, "env", Environment(spec.Env));
        w.WriteString("cwd", string.IsNullOrEmpty(spec.Cwd) ? "/" : spec.Cwd);
        w.WriteStartObject("capabilities");
        WriteStrings(w, "bounding", DefaultCapabilities);
        WriteStrings(w, "effective", DefaultCapabilities);
        WriteStrings(w, "permitted", DefaultCapabilities);
        w.WriteEndObject();
        w.WriteStartArray("rlimits");
        foreach (var (type, soft, hard) in Rlimits(spec.Ulimits))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("hard", hard);
            w.WriteNumber("soft", soft);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("noNewPrivileges", false);
        w.WriteEndObject();

        w.WriteStartObject("root");
        w.WriteString("path", rootfsPath);
        w.WriteBoolean("readonly", spec.ReadOnlyRootfs);
        w.WriteEndObject();

        w.WriteString("hostname", string.IsNullOrEmpty(spec.Hostname) ? ExecSpec.DefaultHostname : spec.Hostname);

        w.WriteStartArray("mounts");
        foreach (var (dest, type, source, options) in Mounts(spec, etc, isolation))
        {
            w.WriteStartObject();
            w.WriteString("destination", dest);
            w.WriteString("type", type);
            w.WriteString("source", source);
            WriteStrings(w, "options", options);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("linux");
        w.WriteStartArray("namespaces");
        foreach (string ns in Namespaces(spec, isolation))
        {
            w.WriteStartObject();
            w.WriteString("type", ns);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (isolation.NewUserNamespace)
        {
            WriteMapping(w, "uidMappings", isolation.HostUid);
            WriteMapping(w, "gidMappings", isolation.HostGid);
        }
        // Where runc makes no cgroups (rootless, or every container in the shared devices
        // cgroup with cgroupfs read-only) a path would make it try, and fail: none is written.
        if (isolation.PerContainerCgroups && CgroupsPath(spec, id) is { } cgroupsPath)
            w.WriteString("cgroupsPath", cgroupsPath);
        WriteStrings(w, "maskedPaths", MaskedPaths);
        WriteStrings(w, "readonlyPaths", ReadonlyPaths);
        if (isolation.DeviceRules && !isolation.Rootless)
        {
            w.WriteStartObject("resources");
            w.WriteStartArray("devices");
            w.WriteStartObject();
            w.WriteBoolean("allow", false);
            w.WriteString("access", "rwm");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteEndObject();
    }

    /// <summary>
    /// The process's rlimits: docker's default open-files limit (1024), replaced by a
    /// <c>--ulimit</c> of the same name, then the other <c>--ulimit</c>s in order. -1 (unlimited)
    /// is written as the kernel's RLIM_INFINITY.
    /// </summary>
    public static List<(string Type, ulong Soft, ulong Hard)> Rlimits(IReadOnlyList<Ulimit> ulimits)
    {
        static ulong Value(long v) => v < 0 ? ulong.MaxValue : (ulong)v;
        var list = new List<(string, ulong, ulong)>();
        if (!ulimits.Any(u => u.Name == "nofile"))
            list.Add(("RLIMIT_NOFILE", 1024, 1024));
        foreach (var u in ulimits)
            list.Add(("RLIMIT_" + u.Name.ToUpperInvariant(), Value(u.Soft), Value(u.Hard)));
        return list;
    }

    /// <summary>
    /// Where runc creates the container's cgroups for <c>--cgroup-parent</c>: BuildKit's
    /// <c>/PARENT/buildkit/ID</c>, or <c>PARENT</c> + ID for a systemd slice written <c>NAME.slice:PREFIX:</c>.
    /// Null without one (runc's default).
    /// </summary>
    public static string? CgroupsPath(ExecSpec spec, string containerId)
    {
        var parent = spec.CgroupParent;
        if (parent.Length == 0)
            return null;
        if (parent.Contains(".slice", StringComparison.Ordinal) && parent.EndsWith(':'))
            return parent + containerId;
        return "/" + string.Join('/', parent.Split('/', StringSplitOptions.RemoveEmptyEntries).Append("buildkit").Append(containerId));
    }

    /// <summary>The tmpfs size option of /dev/shm: docker's 64 MiB unless <c>--shm-size</c> says otherwise.</summary>
    private static string ShmSizeOption(long bytes) =>
        bytes > 0 ? "size=" + (bytes % 1024 == 0 ? $"{bytes / 1024}k" : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)) : "size=65536k";

    /// <summary>The namespaces to create.</summary>
    public static List<string> Namespaces(ExecSpec spec, Isolation isolation)
    {
        var list = new List<string> { "pid", "ipc", "uts", "mount" };
        if (spec.Network == NetworkMode.None)
        {
            list.Add("network");
        }
        if (isolation.NewUserNamespace)
        {
            list.Add("user");
        }
        return list;
    }

    /// <summary>The environment with a default PATH added when none is set.</summary>
    public static List<string> Environment(IReadOnlyList<string> env)
    {
        var list = env.ToList();
        if (!list.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            list.Insert(0, "PATH=" + ExecSpec.DefaultPath);
        }
        return list;
    }

    private static void WriteMapping(Utf8JsonWriter w, string name, uint hostId)
    {
        w.WriteStartArray(name);
        w.WriteStartObject();
        w.WriteNumber("containerID", 0);
        w.WriteNumber("hostID", hostId);
        w.WriteNumber("size", 1);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
