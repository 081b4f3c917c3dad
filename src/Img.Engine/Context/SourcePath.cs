using Img.Engine.Archive;

namespace Img.Engine.Context;

/// <summary>
/// Cleans COPY/ADD source paths against the context root: <c>/a/./b/</c> and <c>a/b</c> are the
/// same path, and a path that climbs above the root is refused rather than clamped.
/// </summary>
public static class SourcePath
{
    /// <summary>
    /// The cleaned, slash-separated path relative to the root (<c>""</c> for the root itself).
    /// </summary>
    /// <exception cref="ForbiddenContextPathException">The path climbs out with <c>..</c>.</exception>
    public static string Clean(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return ArchivePath.Clean(source);
        }
        catch (UnsafeArchiveEntryException)
        {
            throw new ForbiddenContextPathException(source);
        }
    }
}
