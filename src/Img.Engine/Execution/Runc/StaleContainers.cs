using System.Diagnostics;
using System.Globalization;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// What a dead img process's steps left under a runc root and its bundles directory when its
/// <see cref="ContainerReaper"/> could not clean up (killed with it, or the machine stopped):
/// containers (killed and deleted with runc), rootfs mounts (detached) and bundle directories.
/// Only entries whose id names a process that no longer runs are touched
/// (<see cref="ContainerReaper.ContainerPrefix"/> carries the pid); ids without one come from
/// img versions before the prefix existed and are treated as stale too.
/// </summary>
internal static class StaleContainers
{
    /// <summary>Cleans <paramref name="runcRoot"/> and <paramref name="bundles"/>; never throws.</summary>
    /// <param name="rootlessFlag">Pass <c>--rootless true</c> to runc (as the containers were started).</param>
    public static void Sweep(string runc, bool rootlessFlag, string runcRoot, string bundles)
    {
        string[] globalArgs = rootlessFlag ? ["--root", runcRoot, "--rootless", "true"] : ["--root", runcRoot];
        foreach (var dir in SafeList(runcRoot))
        {
            var id = Path.GetFileName(dir);
            if (IsLive(id))
                continue;
            Runc(runc, globalArgs, "kill", id, "KILL");
            Runc(runc, globalArgs, "delete", "--force", id);
        }
        foreach (var dir in SafeList(bundles))
        {
            if (IsLive(Path.GetFileName(dir)))
                continue;
            var rootfs = Path.Join(dir, "rootfs");
            if (Posix.Umount2(rootfs, Posix.MNT_DETACH) is 0 or Posix.EINVAL or Posix.ENOENT)
            {
                try
                {
                    foreach (var f in Directory.EnumerateFiles(dir))
                        File.Delete(f);
                    if (Directory.Exists(rootfs))
                        Directory.Delete(rootfs); // not recursive: never through a mount that stayed
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>True when <paramref name="id"/> is <c>img-PIDHEX-...</c> and that process exists.</summary>
    internal static bool IsLive(string id)
    {
        var parts = id.Split('-');
        return parts.Length >= 3 && parts[0] == "img" &&
               int.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var pid) &&
               Directory.Exists($"/proc/{pid}");
    }

    private static string[] SafeList(string dir)
    {
        try
        {
            return Directory.GetDirectories(dir);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void Runc(string runc, IReadOnlyList<string> globalArgs, params string[] args)
    {
        var psi = new ProcessStartInfo(runc) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in globalArgs.Concat(args))
            psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi);
            if (p is null)
                return;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
