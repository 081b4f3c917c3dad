using Img.Engine.Snapshots.FuseOverlay;
using Img.Engine.Snapshots.Native;
using Img.Engine.Snapshots.Overlay;

namespace Img.Engine.Snapshots;

/// <summary>
/// Opens a snapshotter by name: <c>overlayfs</c>, <c>native</c>, <c>fuse-overlayfs</c>, or
/// <c>auto</c>, which probes in that order of preference: a real overlay mount under the state
/// directory; else <c>fuse-overlayfs</c> when the program and <c>/dev/fuse</c> exist; else
/// native. Each backend keeps its data in <c>ROOT/&lt;name&gt;</c>, so switching backends never
/// mixes layouts.
/// </summary>
public static class SnapshotterFactory
{
    public static readonly IReadOnlyList<string> Names = ["auto", "overlayfs", "native", "fuse-overlayfs"];

    /// <summary>Opens the snapshotter <paramref name="name"/> under <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static SnapshotterSelection Create(string name, string root)
    {
        root = Path.GetFullPath(root);
        switch (name)
        {
            case "overlayfs" or "overlay":
                return new(new OverlaySnapshotter(Path.Join(root, "overlayfs")), "requested with --snapshotter overlayfs");
            case "native":
                return new(new NativeSnapshotter(Path.Join(root, "native")), "requested with --snapshotter native");
            case "fuse-overlayfs":
                string? fuseProblem = FuseOverlaySnapshotter.Probe();
                if (fuseProblem is not null)
                {
                    throw new SnapshotException($"snapshotter fuse-overlayfs cannot work here: {fuseProblem}");
                }
                return new(new FuseOverlaySnapshotter(Path.Join(root, "fuse-overlayfs")), "requested with --snapshotter fuse-overlayfs");
            case "auto" or "":
                return Auto(root);
            default:
                throw new ArgumentException($"unknown snapshotter \"{name}\" (expected one of: {string.Join(", ", Names)})", nameof(name));
        }
    }

    private static SnapshotterSelection Auto(string root)
    {
        string? overlayProblem = OverlaySnapshotter.Probe(Path.Join(root, "probe"));
        TryDelete(Path.Join(root, "probe"));
        if (overlayProblem is null)
        {
            return new(new OverlaySnapshotter(Path.Join(root, "overlayfs")),
                "auto: kernel overlayfs mounts work here" + (OverlaySnapshotter.NeedsUserXattr ? " (user namespace: userxattr)" : ""));
        }
        string? fuseProblem = FuseOverlaySnapshotter.Probe();
        if (fuseProblem is null)
        {
            return new(new FuseOverlaySnapshotter(Path.Join(root, "fuse-overlayfs")),
                $"auto: {overlayProblem}; fuse-overlayfs and /dev/fuse are available");
        }
        return new(new NativeSnapshotter(Path.Join(root, "native")),
            $"auto: {overlayProblem}; {fuseProblem}; falling back to native (copying) snapshots");
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir);
        }
        catch (IOException)
        {
        }
    }
}
