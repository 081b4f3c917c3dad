using System.Text;
using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// A cgroup v1 <c>devices</c> group that containers are started in, holding the device rules
/// runc writes for every container of a Docker/BuildKit-style spec: nothing by default; mknod of
/// any block or character device; read, write and mknod of null, zero, full, random, urandom,
/// tty, ptmx, the pts devices and tun. It is <c>img-runc</c> beside the group this process is in,
/// shared by every img process there and never removed (empty between builds).
/// <para>
/// Why: runc puts each container into fresh cgroups by writing its pid to <c>cgroup.procs</c>,
/// and moving a whole process takes the kernel's global threadgroup lock, which waits for an RCU
/// grace period: 8-18 ms per RUN on a 2-core VM, the largest single cost of a trivial step.
/// Moving only the calling thread (<c>0</c> written to <c>tasks</c>) skips that lock, so the
/// thread that starts runc steps in with <see cref="Enter"/> and forks (then ends:
/// <see cref="RuncLauncher"/>); runc and the container inherit the group at fork and keep the
/// same device isolation without a per-step cgroup.
/// </para>
/// </summary>
internal sealed class DeviceCgroup
{
    /// <summary>The allow rules, after a deny-all (runc's defaults; also what Docker and BuildKit get).</summary>
    public static readonly IReadOnlyList<string> AllowRules =
    [
        "b *:* m", "c *:* m",
        "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
        "c 5:0 rwm", "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm",
    ];

    private const string GroupName = "img-runc";
    private static readonly byte[] CallingThread = "0"u8.ToArray();

    // Opened once, before any read-only cgroup namespace is entered: writes through it work there.
    private readonly int _tasks;

    private DeviceCgroup(string directory, int tasks)
    {
        Directory = directory;
        _tasks = tasks;
    }

    /// <summary>The group's directory in the devices hierarchy.</summary>
    public string Directory { get; }

    /// <summary>
    /// Opens (creating it when missing) the group beside this process's devices cgroup; null, with
    /// <paramref name="reason"/>, when there is no cgroup v1 devices hierarchy or it cannot be written.
    /// </summary>
    public static DeviceCgroup? TryOpen(IReadOnlyList<MountTableEntry> mounts, out string reason)
    {
        var hierarchy = mounts.FirstOrDefault(m => m.FsType == "cgroup" && m.SuperOptions.Contains("devices"));
        if (hierarchy is null)
        {
            reason = "no cgroup v1 devices hierarchy";
            return null;
        }
        var own = OwnGroup("/proc/self/cgroup");
        if (own is null || !own.StartsWith(hierarchy.Root, StringComparison.Ordinal))
        {
            reason = $"this process's devices cgroup ({own ?? "none"}) is not under {hierarchy.MountPoint}";
            return null;
        }
        var parent = Path.Join(hierarchy.MountPoint, own[hierarchy.Root.Length..]);
        var directory = Path.Join(parent, GroupName);
        try
        {
            if (!System.IO.Directory.Exists(directory))
                Publish(parent, directory);
            var tasks = Posix.Open(Path.Join(directory, "tasks"), write: true);
            reason = "";
            return new DeviceCgroup(directory, tasks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"cannot set up {directory}: {e.Message}";
            return null;
        }
    }

    /// <summary>Moves the calling thread into the group (the next fork's child starts there).</summary>
    public void Enter() => Posix.Write(_tasks, CallingThread, Path.Join(Directory, "tasks"));

    // The rules are written under a temporary name and the group renamed into place (cgroup v1
    // allows renaming a group), so no container ever runs in a half-configured group and a
    // second img process racing to create it simply uses the winner's.
    private static void Publish(string parent, string directory)
    {
        var staging = Path.Join(parent, $"{GroupName}.{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            WriteRule(Path.Join(staging, "devices.deny"), "a");
            foreach (var rule in AllowRules)
                WriteRule(Path.Join(staging, "devices.allow"), rule);
            System.IO.Directory.Move(staging, directory);
        }
        catch (IOException) when (System.IO.Directory.Exists(directory))
        {
            // another img process published it first
        }
        finally
        {
            if (System.IO.Directory.Exists(staging))
                System.IO.Directory.Delete(staging);
        }
    }

    private static void WriteRule(string file, string rule)
    {
        var fd = Posix.Open(file, write: true);
        try
        {
            Posix.Write(fd, Encoding.ASCII.GetBytes(rule), file);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>The devices group path in a <c>/proc/*/cgroup</c> file ("N:devices:/path"), or null.</summary>
    internal static string? OwnGroup(string procFile)
    {
        foreach (var line in File.ReadLines(procFile))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains("devices"))
                return parts[2];
        }
        return null;
    }
}
