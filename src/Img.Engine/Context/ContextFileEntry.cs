using Img.Engine.Archive;

namespace Img.Engine.Context;

/// <summary>
/// One path of the build context as a remote worker recreates it: what lstat said (permission
/// and special bits, owner, modification time in nanoseconds), a symbolic link's target, and a
/// regular file's content digest (its bytes travel separately, by that digest).
/// </summary>
/// <param name="Path">Relative to the context root, slash-separated, cleaned.</param>
/// <param name="Mode">Permission and special bits (<c>07777</c>), no file type.</param>
public sealed record ContextFileEntry(
    string Path,
    ArchiveEntryType Type,
    int Mode,
    int Uid,
    int Gid,
    long Size,
    long ModificationTimeNs,
    string? LinkTarget,
    string? Digest);
