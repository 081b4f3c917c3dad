using System.Diagnostics;
using Img.Engine.Mounts;
using Img.Engine.Native;
using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Execution;

/// <summary>
/// A minimal root filesystem from Debian's busybox-static: <c>/bin/busybox</c> with a symlink per
/// applet, <c>/etc/passwd</c> and <c>/etc/group</c> with root, user <c>app</c> (1000) in group
/// <c>app</c> and supplementary group <c>extra</c> (1001), and <c>/dir</c> with two files; empty
/// <c>/proc</c>, <c>/dev</c>, <c>/sys</c> as real images have them, unless asked without (then the
/// first RUN's layer gets them, as in BuildKit). No /etc/hosts: the runtime must cope.
/// </summary>
public static class BusyboxRootfs
{
    public const string Passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n";
    public const string Group = "root:x:0:\napp:x:1000:\nextra:x:1001:app\n";

    private static readonly Lazy<string[]> Applets = new(() =>
    {
        string busybox = Busybox;
        var psi = new ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true, UseShellExecute = false };
        using Process p = Process.Start(psi)!;
        string[] list = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return list;
    });

    public static string Busybox
    {
        get
        {
            foreach (string c in new[] { "/bin/busybox", "/usr/bin/busybox" })
            {
                if (File.Exists(c))
                {
                    return c;
                }
            }
            throw new InvalidOperationException("busybox is not installed: apt-get install busybox-static");
        }
    }

    /// <summary>Writes the rootfs into <paramref name="dir"/>; <paramref name="runtimeDirs"/>: with /proc, /dev, /sys.</summary>
    public static void Populate(string dir, bool runtimeDirs = true)
    {
        if (runtimeDirs)
        {
            foreach (string d in new[] { "proc", "dev", "sys" })
            {
                Directory.CreateDirectory(Path.Join(dir, d));
                Posix.Chmod(Path.Join(dir, d), 0x1ED);
            }
        }
        string bin = Path.Join(dir, "bin");
        Directory.CreateDirectory(bin);
        File.Copy(Busybox, Path.Join(bin, "busybox"));
        Posix.Chmod(Path.Join(bin, "busybox"), 0x1ED);
        foreach (string applet in Applets.Value)
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Join(bin, applet), "busybox");
            }
        }
        Directory.CreateDirectory(Path.Join(dir, "etc"));
        File.WriteAllText(Path.Join(dir, "etc/passwd"), Passwd);
        File.WriteAllText(Path.Join(dir, "etc/group"), Group);
        Directory.CreateDirectory(Path.Join(dir, "dir"));
        File.WriteAllText(Path.Join(dir, "dir/file1"), "1");
        File.WriteAllText(Path.Join(dir, "dir/file2"), "2");
        Directory.CreateDirectory(Path.Join(dir, "home/app"));
        Posix.Lchown(Path.Join(dir, "home/app"), 1000, 1000);
        // Whole-second timestamps everywhere, as after unpacking an image layer.
        foreach (string p in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Append(dir))
        {
            Posix.SetTimes(p, 1_700_000_000, 0, 1_700_000_000, 0);
        }
    }

    /// <summary>Commits the rootfs as snapshot <paramref name="name"/>.</summary>
    public static async Task CommitAsync(ISnapshotter snapshotter, string name, string scratch, bool runtimeDirs = true)
    {
        var mounts = await snapshotter.PrepareAsync(name + "-build", null);
        using (var lease = Mounter.MountTemporary(mounts, scratch))
        {
            Populate(lease.Directory, runtimeDirs);
            Posix.SetTimes(lease.Directory, 1_700_000_000, 0, 1_700_000_000, 0);
        }
        await snapshotter.CommitAsync(name, name + "-build");
    }
}
