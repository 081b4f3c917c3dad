namespace Img.Engine.Context;

/// <summary>
/// How <see cref="IChecksumSource.ChecksumAsync"/> selects content, the knobs of BuildKit's
/// <c>contenthash.ChecksumOpts</c> that COPY and ADD use.
/// </summary>
public sealed record ChecksumOptions
{
    /// <summary>Exact paths, symlinks not followed at the end, no patterns.</summary>
    public static ChecksumOptions Default { get; } = new();

    /// <summary>
    /// Sources are Go <c>path.Match</c> patterns (<c>*</c>, <c>?</c>, <c>[...]</c>, <c>\</c>);
    /// <c>*</c> never crosses a <c>/</c>, and <c>**</c> means the same as <c>*</c>, as for COPY.
    /// </summary>
    public bool Wildcard { get; init; }

    /// <summary>A wildcard that matches nothing is not an error (the checksum of nothing is returned).</summary>
    public bool AllowEmptyWildcard { get; init; }

    /// <summary>Follow a symlink named by a source itself (symlinks on the way are always followed, inside the root).</summary>
    public bool FollowLinks { get; init; }

    /// <summary>.dockerignore-style patterns, relative to each source, that a path must match to count (COPY --parents / include filters).</summary>
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];

    /// <summary>.dockerignore-style patterns, relative to each source, whose matches do not count (COPY --exclude).</summary>
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];

    internal bool HasPatterns => IncludePatterns.Count > 0 || ExcludePatterns.Count > 0;
}
