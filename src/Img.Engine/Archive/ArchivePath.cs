using Img.Engine.Paths;

namespace Img.Engine.Archive;

/// <summary>
/// Path rules for archives and root file systems, the one place img cleans entry names and
/// resolves paths inside a root.
/// </summary>
public static class ArchivePath
{
    /// <summary>Symlinks followed while resolving one path before giving up (like the kernel's 40, generously).</summary>
    public const int MaxSymlinkHops = 255;

    /// <summary>
    /// Cleans a tar entry name into a relative path with no <c>.</c>, empty or trailing
    /// components: <c>./a//b/</c> → <c>a/b</c>, <c>/abs/x</c> → <c>abs/x</c> (absolute names are
    /// taken relative to the root, as docker does), <c>a/../b</c> → <c>b</c>. The root itself is
    /// <c>""</c>.
    /// </summary>
    /// <exception cref="UnsafeArchiveEntryException">The name climbs above the root (<c>../evil</c>) or contains NUL.</exception>
    public static string Clean(string name)
    {
        // Go's Clean of the name taken relative to the root: a ".." left in front climbed out.
        // Elements count left to right, so a climb before the first NUL is the fault reported.
        var nul = name.IndexOf('\0');
        var judged = nul < 0 ? name : name[..(name.LastIndexOf('/', nul) + 1)];
        var cleaned = GoPath.Clean(judged.TrimStart('/'));
        if (cleaned == ".." || cleaned.StartsWith("../", StringComparison.Ordinal))
            throw new UnsafeArchiveEntryException(name, "the path climbs out of the root with \"..\"");
        if (nul >= 0)
            throw new UnsafeArchiveEntryException(name, "the path contains a NUL character");
        return cleaned == "." ? "" : cleaned;
    }

    /// <summary>
    /// Resolves <paramref name="relativePath"/> inside <paramref name="root"/> the way a process
    /// chrooted there would, component by component: symlinks are followed, an absolute target
    /// restarts at <paramref name="root"/>, and <c>..</c> stops at <paramref name="root"/>, so
    /// the result is always inside it. Components that do not exist are appended as they are.
    /// With <paramref name="followFinal"/> false, a symlink in the last component is not followed
    /// (the path names the link itself, as a tar entry does).
    /// <para>
    /// The one implementation of "a path inside a root": <c>Execution.RootfsPath.Resolve</c>
    /// (a container's working directory, mount targets, /etc/passwd lookups) is this with
    /// <paramref name="followFinal"/> true.
    /// </para>
    /// </summary>
    public static string SecureJoin(string root, string relativePath, bool followFinal = true)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var pending = new Stack<string>();
        PushReversed(pending, relativePath);
        var resolved = new List<string>();
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Combine(root, resolved, part);
            var keepLink = !followFinal && pending.All(p => p.Length == 0 || p == ".");
            var target = keepLink ? null : new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++hops > MaxSymlinkHops)
                throw new IOException($"{Path.Combine(root, relativePath)}: too many levels of symbolic links");
            if (target.StartsWith('/')) resolved.Clear();
            PushReversed(pending, target);
        }
        return resolved.Count == 0 ? root : root + "/" + string.Join('/', resolved);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (lexically).</summary>
    public static bool IsWithin(string root, string path)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        path = Path.GetFullPath(path);
        return path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static void PushReversed(Stack<string> stack, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--) stack.Push(parts[i]);
    }

    private static string Combine(string root, List<string> resolved, string next) =>
        resolved.Count == 0 ? root + "/" + next : root + "/" + string.Join('/', resolved) + "/" + next;
}
