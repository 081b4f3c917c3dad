using Img.Engine.Oci;

namespace Img.Engine.Content;

/// <summary>
/// Reads committed blobs. Only committed, verified blobs are ever visible: an ingest in
/// progress cannot be opened.
/// </summary>
public interface IContentProvider
{
    /// <summary>
    /// Opens the blob named by <paramref name="descriptor"/>'s digest. The blob's size must equal
    /// <see cref="Descriptor.Size"/>.
    /// </summary>
    /// <exception cref="ContentNotFoundException">No such blob.</exception>
    /// <exception cref="ContentVerificationException">The stored size differs from the descriptor's.</exception>
    /// <exception cref="InvalidDigestException">The descriptor's digest is malformed or not sha256.</exception>
    ValueTask<IContentReader> OpenAsync(Descriptor descriptor, CancellationToken cancellationToken = default);
}
