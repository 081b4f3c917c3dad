namespace Img.Engine.Solver;

/// <summary>
/// The part of a local source a vertex reads: a path (with wildcards when
/// <see cref="AllowWildcard"/>) relative to the context root, filtered by include and exclude
/// patterns. Taken from a COPY/ADD action or a bind mount; the checksum of exactly this
/// selection goes into the reader's cache key. <see cref="AllowEmptyWildcard"/>: a wildcard
/// matching nothing selects nothing instead of failing (COPY/ADD, as BuildKit).
/// </summary>
public sealed record ContentSelection(string Path, IReadOnlyList<string> IncludePatterns, IReadOnlyList<string> ExcludePatterns, bool FollowSymlinks, bool AllowWildcard, bool AllowEmptyWildcard = false)
{
    /// <summary>The whole source (what the source vertex itself provides).</summary>
    public static ContentSelection All { get; } = new("/", [], [], false, false);
}
