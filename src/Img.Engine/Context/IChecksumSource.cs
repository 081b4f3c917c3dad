using Img.Engine.Content;

namespace Img.Engine.Context;

/// <summary>
/// A file tree that can give the content checksum of the paths a COPY or ADD selects: the
/// <c>cache/contenthash</c> role of BuildKit. The digest covers each selected file's header
/// (name relative to the selection, type and permission bits, owner, size, symlink target, device
/// numbers, the xattrs that matter) and content; never times. Equal trees give equal digests
/// wherever they live.
/// </summary>
public interface IChecksumSource
{
    /// <summary>
    /// The checksum of <paramref name="paths"/> (slash-separated, relative to the tree's root; a
    /// leading <c>/</c> means the root too) selected with <paramref name="options"/>.
    /// </summary>
    /// <exception cref="ForbiddenContextPathException">A path climbs out of the root with <c>..</c>.</exception>
    /// <exception cref="ContextPathNotFoundException">A path (or a wildcard, unless allowed to be empty) selects nothing.</exception>
    ValueTask<Digest> ChecksumAsync(IReadOnlyList<string> paths, ChecksumOptions options, CancellationToken cancellationToken = default);
}
