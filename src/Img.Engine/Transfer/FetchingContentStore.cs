using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Transfer;

/// <summary>
/// A content store that brings a blob it lacks from an <see cref="IBlobSource"/> the moment it is
/// opened (verified, committed into the inner store), so a reader that never opens a layer never
/// downloads it: a push whose target has the blob, or mounts it, reads nothing. Presence checks
/// and listings see only what is here.
/// </summary>
public sealed class FetchingContentStore(IContentStore inner, IBlobSource source) : IContentStore
{
    public async ValueTask<IContentReader> OpenAsync(Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        if (!await inner.ExistsAsync(descriptor, cancellationToken).ConfigureAwait(false))
            await source.FetchAsync(descriptor, new VerifyingIngester(inner, Digest.Parse(descriptor.Digest), descriptor.Size), cancellationToken).ConfigureAwait(false);
        return await inner.OpenAsync(descriptor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the blob present here (fetching it when missing).</summary>
    public async Task EnsureAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        await using var reader = await OpenAsync(descriptor, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default) => inner.OpenWriterAsync(cancellationToken);

    public ValueTask<ContentInfo?> InfoAsync(Digest digest, CancellationToken cancellationToken = default) => inner.InfoAsync(digest, cancellationToken);

    public ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default) => inner.ExistsAsync(digest, cancellationToken);

    public IAsyncEnumerable<ContentInfo> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public ValueTask<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default) => inner.DeleteAsync(digest, cancellationToken);
}
