namespace Img.Differential;

/// <summary>
/// Differences that come from the reference being dockerd 20.10's built-in BuildKit (v0.8,
/// layers diffed by dockerd's overlay2 graph driver) rather than from img. Each was checked
/// against current BuildKit (see README.md) and is printed as "known:" without counting,
/// unless --strict is given.
/// </summary>
internal sealed class Buildkit08Artifacts(IReadOnlySet<string> extraStubs)
{
    /// <summary>A BuildKit-only entry img rightly leaves out: a mount stub, or a directory
    /// copied up by overlayfs whose metadata equals the one below (current BuildKit's overlay
    /// differ skips those; dockerd's graph driver keeps them).</summary>
    public string? BuildkitOnly(LayerEntry entry, IReadOnlyDictionary<string, LayerEntry> below, IReadOnlyList<string> descendants)
    {
        if (entry.Path.Split('/')[^1] == OpaqueMarker && entry.Size == 0)
            return "dockerd's opaque marker (BuildKit >= 0.10 writes a whiteout per lower entry instead)";
        if (entry.Type == "dir" && IsStub(entry.Path) && descendants.All(IsStub))
            return "RUN mount stub left by BuildKit 0.8";
        if (entry.Type == "dir" && below.TryGetValue(entry.Path, out var lower) && lower.Type == "dir"
            && lower.Mode == entry.Mode && lower.Uid == entry.Uid && lower.Gid == entry.Gid)
            return "unchanged directory copied up (dockerd overlay2 diff)";
        // A file overlay copied up only because a hardlink to it was made: dockerd's diff writes
        // it (as a link to the new path); BuildKit's overlay differ finds it unchanged.
        if (entry.Type == "hardlink" && below.TryGetValue(entry.Path, out var file) && file.Type == "file"
            && file.Mode == entry.Mode && file.Uid == entry.Uid && file.Gid == entry.Gid)
            return "unchanged file copied up for a new hardlink (dockerd overlay2 diff)";
        return null;
    }

    // A RUN --mount target (--stub): BuildKit >= 0.10 removes the stubs it created
    // (MountStubsCleaner), v0.8 leaves them in the RUN layer. runc's own /dev, /proc and /sys are
    // no stubs: every BuildKit keeps them (buildkitd v0.11.6 does), and so does img.
    private bool IsStub(string path) => extraStubs.Contains(path);

    // Whiteouts: dockerd writes them 0600 and as hardlinks of one another, and marks opaque
    // directories with ".wh..wh..opq"; containerd/BuildKit write mode 0 regular files.
    private const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>An img whiteout in a directory that BuildKit 0.8's layer marks opaque, or below
    /// one (a directory removed and made again, with its subdirectories).</summary>
    public static bool WhiteoutUnderOpaque(string path, IReadOnlyDictionary<string, LayerEntry> buildkitLayer)
    {
        var slash = path.LastIndexOf('/');
        if (!path[(slash + 1)..].StartsWith(".wh.", StringComparison.Ordinal)) return false;
        for (var dir = slash < 0 ? "" : path[..slash]; ; dir = dir[..Math.Max(dir.LastIndexOf('/'), 0)])
        {
            if (buildkitLayer.ContainsKey(dir.Length == 0 ? OpaqueMarker : dir + "/" + OpaqueMarker)) return true;
            if (dir.Length == 0) return false;
        }
    }

    public static bool IsWhiteout(string path) =>
        path.Split('/')[^1].StartsWith(".wh.", StringComparison.Ordinal);
}
