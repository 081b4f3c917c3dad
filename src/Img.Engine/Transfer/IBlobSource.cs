using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Transfer;

/// <summary>
/// Where a node gets blobs it does not hold: the other nodes that do (<see cref="PeerBlobSource"/>),
/// or anything else that can stream a blob by digest.
/// </summary>
public interface IBlobSource
{
    /// <summary>
    /// Copies the blob <paramref name="blob"/> names into <paramref name="destination"/> and commits
    /// it there only if its digest and size match; a mismatch leaves nothing behind.
    /// </summary>
    /// <exception cref="ResultUnavailableException">No holder could deliver the blob.</exception>
    Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct);
}
