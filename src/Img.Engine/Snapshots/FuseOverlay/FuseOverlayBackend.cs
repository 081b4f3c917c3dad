using Img.Engine.Mounts;
using Img.Engine.Snapshots.Overlay;

namespace Img.Engine.Snapshots.FuseOverlay;

/// <summary>
/// The overlay layout served by the <c>fuse-overlayfs</c> program instead of the kernel: for
/// kernels or sandboxes where overlayfs cannot be mounted but <c>/dev/fuse</c> can. Mounts have
/// type <c>fuse-overlayfs</c> and are applied by <see cref="Mounter"/> running
/// <c>fuse-overlayfs -o lowerdir=...,upperdir=...,workdir=... TARGET</c>.
/// </summary>
public sealed class FuseOverlayBackend : OverlayBackend
{
    /// <inheritdoc/>
    public override string Name => "fuse-overlayfs";

    /// <inheritdoc/>
    protected override Mount OverlayMount(IEnumerable<string> lowers, string? upper, string? work)
    {
        var options = new List<string> { "lowerdir=" + string.Join(':', lowers) };
        if (upper is not null)
        {
            options.Add("upperdir=" + upper);
            options.Add("workdir=" + work);
        }
        else
        {
            options.Add("ro");
        }
        return new Mount(Mounter.FuseOverlayType, "overlay", options);
    }

    /// <summary>Null when <c>fuse-overlayfs</c> and <c>/dev/fuse</c> are there, else the reason it cannot work.</summary>
    public static string? Probe()
    {
        if (Mounter.FindProgram("fuse-overlayfs") is null)
        {
            return "the fuse-overlayfs program is not installed (Debian package fuse-overlayfs)";
        }
        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse does not exist";
        }
        return null;
    }
}
