using System.Text;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>Go's <c>path.Clean</c>/<c>path.Join</c> and BuildKit's <c>NormalizePath</c> (Linux only).</summary>
internal static class GoPath
{
    public static string Clean(string p)
    {
        if (p.Length == 0)
            return ".";
        var rooted = p[0] == '/';
        var parts = new List<string>();
        foreach (var part in p.Split('/'))
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

    public static string Join(params string[] elements)
    {
        var nonEmpty = elements.Where(e => e.Length > 0).ToArray();
        return nonEmpty.Length == 0 ? "" : Clean(string.Join('/', nonEmpty));
    }

    public static bool IsAbs(string p) => p.StartsWith('/');

    /// <summary>The last element (<c>path.Base</c>).</summary>
    public static string Base(string p)
    {
        if (p.Length == 0)
            return ".";
        p = p.TrimEnd('/');
        if (p.Length == 0)
            return "/";
        var i = p.LastIndexOf('/');
        return i >= 0 ? p[(i + 1)..] : p;
    }

    /// <summary>BuildKit's <c>system.NormalizePath</c> for Linux.</summary>
    public static string Normalize(string parent, string newPath, bool keepSlash)
    {
        var orig = newPath;
        if (parent.Length == 0)
            parent = "/";
        if (!IsAbs(parent))
            parent = Join("/", parent);
        if (newPath.Length == 0)
            newPath = parent;
        if (!IsAbs(newPath))
            newPath = Join(parent, newPath);
        if (keepSlash)
        {
            if (orig.EndsWith('/') && !newPath.EndsWith('/'))
            {
                newPath += "/";
            }
            else if (orig.EndsWith("/.", StringComparison.Ordinal))
            {
                if (newPath != "/")
                    newPath += "/";
                newPath += ".";
            }
        }
        return newPath;
    }
}
