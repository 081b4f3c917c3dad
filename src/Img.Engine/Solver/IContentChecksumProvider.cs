using Img.Engine.Content;
using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// Content checksums of build-context files (BuildKit's <c>cache/contenthash</c>): file
/// headers without mtime plus content sha256, so touching a file does not break the cache but
/// changing a byte does. Implemented by the build-context engine, which keeps a stat cache.
/// </summary>
public interface IContentChecksumProvider
{
    /// <summary>
    /// The checksum of <paramref name="selection"/> within the local context named by
    /// <paramref name="source"/> (a <see cref="SourceKind.Local"/> op, whose exclude patterns
    /// apply). Deterministic for equal content; fails when a required path does not exist.
    /// </summary>
    ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken);
}
