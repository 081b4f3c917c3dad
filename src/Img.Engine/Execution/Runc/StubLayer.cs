using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// A read-only layer put under a RUN's kernel overlay rootfs, below the image's own layers: empty
/// <c>/etc/hosts</c>, <c>/etc/resolv.conf</c>, <c>/etc/hostname</c> files. These are mount points
/// of every container; when the image lacks them runc creates them in the step's upper directory
/// (copying <c>/etc</c> up) and img removes them again afterwards (<see cref="MountStubs"/>),
/// about a millisecond a step. <c>/proc</c>, <c>/dev</c> and <c>/sys</c> are not here: BuildKit
/// leaves them in the first RUN layer of an image that lacks them (<see cref="KeptMountPoints"/>),
/// and later steps find them in the image. Lowest in the stack, the layer only
/// fills in what no image layer has: an image's own entry, or a whiteout, always wins, and what a
/// whiteout hides is created and cleaned as before. Nothing ever writes to it (overlay copies up
/// before a change); it is made once per state directory, whole or not at all (temp + rename).
/// </summary>
internal static class StubLayer
{
    /// <summary>The directories and files of the layer, relative to its root.</summary>
    public static readonly IReadOnlyList<string> Directories = ["etc"];

    public static readonly IReadOnlyList<string> Files = ["etc/hosts", "etc/resolv.conf", "etc/hostname"];

    // mount(2) takes its data in one page; a rootfs too deep for one more layer goes without.
    private const int MaxMountData = 4095;

    /// <summary>The layer under <paramref name="parent"/> (<c>stubs-v2</c>: v1 also held /proc, /dev
    /// and /sys), made when missing.</summary>
    public static string Ensure(string parent)
    {
        string layer = Path.Join(parent, "stubs-v2");
        if (Directory.Exists(layer))
            return layer;
        Directory.CreateDirectory(parent);
        string temp = $"{layer}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        Posix.Chmod(temp, 0x1ED); // 0755
        foreach (string dir in Directories)
        {
            string path = Path.Join(temp, dir);
            Directory.CreateDirectory(path);
            Posix.Chmod(path, 0x1ED);
        }
        foreach (string file in Files)
        {
            string path = Path.Join(temp, file);
            File.WriteAllBytes(path, []);
            Posix.Chmod(path, 0x1A4); // 0644
        }
        try
        {
            Directory.Move(temp, layer);
        }
        catch (IOException) when (Directory.Exists(layer))
        {
            Directory.Delete(temp, recursive: true); // made meanwhile by another process
        }
        return layer;
    }

    /// <summary>
    /// <paramref name="rootfs"/> with <paramref name="layer"/> as its lowest layer when it is one
    /// kernel overlay mount (and the option string has room), else <paramref name="rootfs"/> itself.
    /// </summary>
    public static IReadOnlyList<Mount> Under(IReadOnlyList<Mount> rootfs, string layer)
    {
        if (rootfs is not [{ Type: "overlay" } overlay] || !string.IsNullOrEmpty(overlay.Target) || overlay.Option("lowerdir") is not { Length: > 0 })
            return rootfs;
        var options = overlay.Options.Select(o => o.StartsWith("lowerdir=", StringComparison.Ordinal) ? o + ":" + layer : o).ToList();
        if (options.Sum(o => o.Length + 1) > MaxMountData)
            return rootfs;
        return [overlay with { Options = options }];
    }
}
