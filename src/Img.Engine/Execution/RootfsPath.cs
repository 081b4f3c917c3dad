using Img.Engine.Archive;

namespace Img.Engine.Execution;

/// <summary>
/// Resolves a path inside a root filesystem the way the container would see it: symlinks are
/// followed relative to the root and <c>..</c> never climbs above it, so the result always lies
/// under the root. The same resolution as unpacking a layer, so it is
/// <see cref="ArchivePath.SecureJoin"/> (following the final component too).
/// </summary>
public static class RootfsPath
{
    /// <summary>The host path of <paramref name="path"/> inside <paramref name="root"/> (which may not exist yet).</summary>
    /// <exception cref="IOException">Too many levels of symbolic links.</exception>
    public static string Resolve(string root, string path) => ArchivePath.SecureJoin(root, path, followFinal: true);
}
