using Img.Engine.Archive;

namespace Img.Engine.Context;

/// <summary>One path of the build context that is sent (not excluded by .dockerignore).</summary>
/// <param name="Path">Relative to the context root, slash-separated, no <c>./</c>.</param>
/// <param name="LinkTarget">For a symlink, its target as stored (never followed).</param>
public sealed record ContextEntry(
    string Path,
    ArchiveEntryType Type,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    long Size,
    DateTimeOffset ModificationTime,
    string? LinkTarget);
