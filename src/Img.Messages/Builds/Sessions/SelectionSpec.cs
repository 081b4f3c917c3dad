using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>A <see cref="ContentSelection"/> on the wire.</summary>
[MessagePackObject]
public sealed record SelectionSpec(
    [property: Key(0)] string Path,
    [property: Key(1)] IReadOnlyList<string> IncludePatterns,
    [property: Key(2)] IReadOnlyList<string> ExcludePatterns,
    [property: Key(3)] bool FollowSymlinks,
    [property: Key(4)] bool AllowWildcard,
    [property: Key(5)] bool AllowEmptyWildcard)
{
    public static SelectionSpec From(ContentSelection s) => new(s.Path, s.IncludePatterns, s.ExcludePatterns, s.FollowSymlinks, s.AllowWildcard, s.AllowEmptyWildcard);

    public ContentSelection ToSelection() => new(Path, IncludePatterns, ExcludePatterns, FollowSymlinks, AllowWildcard, AllowEmptyWildcard);
}
