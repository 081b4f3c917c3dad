using Img.Engine.Paths;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>Paths in the container's file system, made absolute against a working directory.</summary>
internal static class ContainerPath
{
    /// <summary>
    /// BuildKit's <c>system.NormalizePath</c> for Linux: <paramref name="newPath"/> joined to
    /// <paramref name="parent"/> unless it is absolute, and cleaned; with
    /// <paramref name="keepSlash"/>, a trailing <c>/</c> or <c>/.</c> of the original survives.
    /// </summary>
    public static string Normalize(string parent, string newPath, bool keepSlash)
    {
        var orig = newPath;
        if (parent.Length == 0)
            parent = "/";
        if (!GoPath.IsAbs(parent))
            parent = GoPath.Join("/", parent);
        if (newPath.Length == 0)
            newPath = parent;
        if (!GoPath.IsAbs(newPath))
            newPath = GoPath.Join(parent, newPath);
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
