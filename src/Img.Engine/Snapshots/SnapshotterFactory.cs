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
                return new(Overlay(root), "requested with --snapshotter overlayfs");
            case "native":
                return new(Native(root), "requested with --snapshotter native");
            case "fuse-overlayfs":
                string? fuseProblem = FuseOverlayBackend.Probe();
                if (fuseProblem is not null)
                {
                    throw new SnapshotException($"snapshotter fuse-overlayfs cannot work here: {fuseProblem}");
                }
                return new(FuseOverlay(root), "requested with --snapshotter fuse-overlayfs");
            case "auto" or "":
                return Auto(root);
            default:
                throw new ArgumentException($"unknown snapshotter \"{name}\" (expected one of: {string.Join(", ", Names)})", nameof(name));
        }
    }

    /// <summary>
    /// Every snapshotter that has data under <paramref name="root"/>, whichever backend made it
    /// (for <c>img du</c> and <c>img prune</c>, which see all of them). Opening one mounts nothing.
    /// </summary>
    public static IReadOnlyList<ISnapshotter> OpenExisting(string root)
    {
        root = Path.GetFullPath(root);
        var opened = new List<ISnapshotter>();
        if (Directory.Exists(Path.Join(root, "overlayfs")))
            opened.Add(Overlay(root));
        if (Directory.Exists(Path.Join(root, "native")))
            opened.Add(Native(root));
        if (Directory.Exists(Path.Join(root, "fuse-overlayfs")))
            opened.Add(FuseOverlay(root));
        return opened;
    }

    /// <summary>
    /// The probe mounts an overlay, which costs a noticeable part of a cached build's time; its
    /// answer is remembered next to the snapshots for as long as the kernel and the user
    /// namespace stay the same.
    /// </summary>
    private static SnapshotterSelection Auto(string root)
    {
        var choiceFile = Path.Join(root, "auto-choice");
        var environment = $"{File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}|{Mounts.UserNamespace.IsInitial}";
        if (ReadChoice(root, choiceFile, environment) is { } remembered)
            return remembered;
        var selection = Probe(root);
        Directory.CreateDirectory(root);
        var temp = choiceFile + ".tmp";
        File.WriteAllLines(temp, [selection.Name, environment, selection.Reason]);
        File.Move(temp, choiceFile, overwrite: true);
        return selection;
    }

    private static SnapshotterSelection? ReadChoice(string root, string choiceFile, string environment)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(choiceFile);
        }
        catch (IOException)
        {
            return null;
        }
        if (lines.Length < 3 || lines[1] != environment) return null;
        var reason = lines[2] + " (probed earlier)";
        return lines[0] switch
        {
            "overlayfs" => new(Overlay(root), reason),
            "fuse-overlayfs" => new(FuseOverlay(root), reason),
            "native" => new(Native(root), reason),
            _ => null,
        };
    }

    private static SnapshotterSelection Probe(string root) => Probe(root, OverlayBackend.Probe, FuseOverlayBackend.Probe);

    /// <summary>The order of preference, given what each probe says is wrong (null: it works).</summary>
    internal static SnapshotterSelection Probe(string root, Func<string, string?> probeOverlay, Func<string?> probeFuse)
    {
        string? overlayProblem = probeOverlay(Path.Join(root, "probe"));
        TryDelete(Path.Join(root, "probe"));
        if (overlayProblem is null)
        {
            return new(Overlay(root),
                "auto: kernel overlayfs mounts work here" + (OverlayBackend.NeedsUserXattr ? " (user namespace: userxattr)" : ""));
        }
        string? fuseProblem = probeFuse();
        if (fuseProblem is null)
        {
            return new(FuseOverlay(root),
                $"auto: {overlayProblem}; fuse-overlayfs and /dev/fuse are available");
        }
        return new(Native(root),
            $"auto: {overlayProblem}; {fuseProblem}; falling back to native (copying) snapshots");
    }

    private static DirectorySnapshotter Overlay(string root) => new(Path.Join(root, "overlayfs"), new OverlayBackend());

    private static DirectorySnapshotter Native(string root) => new(Path.Join(root, "native"), new NativeBackend());

    private static DirectorySnapshotter FuseOverlay(string root) => new(Path.Join(root, "fuse-overlayfs"), new FuseOverlayBackend());

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
