namespace Img.Engine.Paths;

/// <summary>
/// Go's <c>path</c> package (<c>path/filepath</c> on Linux is the same) for slash-separated
/// paths: <see cref="Clean"/>, <see cref="Join"/>, <see cref="Dir"/>, <see cref="Base"/>,
/// <see cref="IsAbs"/>. BuildKit cleans Dockerfile paths and <c>.dockerignore</c> patterns this
/// way and docker cleans tar entry names this way, so a different notion of "clean" would change
/// what a pattern matches, where a file lands and which cache key a step gets. This is the one
/// implementation; <see cref="Archive.ArchivePath.Clean"/> builds on it.
/// </summary>
internal static class GoPath
{
    /// <summary>
    /// Lexical cleaning: collapse repeated slashes, drop <c>.</c> elements, resolve <c>x/..</c>
    /// pairs, drop <c>..</c> right after the root, drop a trailing slash; an empty result is
    /// <c>.</c>. A relative path keeps its leading <c>..</c> elements (<c>a/../..</c> → <c>..</c>).
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                    parts.RemoveAt(parts.Count - 1);
                else if (!rooted)
                    parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        if (rooted)
            return "/" + joined;
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>The non-empty elements joined with slashes and cleaned; <c>""</c> when all are empty.</summary>
    public static string Join(params string[] elements)
    {
        var nonEmpty = elements.Where(e => e.Length > 0).ToArray();
        return nonEmpty.Length == 0 ? "" : Clean(string.Join('/', nonEmpty));
    }

    /// <summary>All but the last element, cleaned: <c>a/b</c> → <c>a</c>, <c>a</c> → <c>.</c>, <c>/a</c> → <c>/</c>.</summary>
    public static string Dir(string path) => Clean(path[..(path.LastIndexOf('/') + 1)]);

    /// <summary>The last element, trailing slashes ignored: <c>a/b/</c> → <c>b</c>, <c>/</c> → <c>/</c>, <c>""</c> → <c>.</c>.</summary>
    public static string Base(string path)
    {
        if (path.Length == 0)
            return ".";
        path = path.TrimEnd('/');
        if (path.Length == 0)
            return "/";
        var i = path.LastIndexOf('/');
        return i >= 0 ? path[(i + 1)..] : path;
    }

    public static bool IsAbs(string path) => path.StartsWith('/');
}
