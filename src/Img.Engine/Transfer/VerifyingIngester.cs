using Img.Engine.Content;

namespace Img.Engine.Transfer;

/// <summary>
/// Hands an <see cref="IBlobSource"/> writers that commit only the expected blob, whatever digest
/// the source asks to commit under: a careless source cannot store unverified bytes.
/// </summary>
internal sealed class VerifyingIngester(IContentIngester inner, Digest digest, long size) : IContentIngester
{
    public async ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default) =>
        new Writer(await inner.OpenWriterAsync(cancellationToken).ConfigureAwait(false), digest, size);

    private sealed class Writer(IContentWriter inner, Digest digest, long size) : IContentWriter
    {
        public Stream Stream => inner.Stream;
        public long BytesWritten => inner.BytesWritten;
        public Digest CurrentDigest => inner.CurrentDigest;

        public ValueTask<ContentInfo> CommitAsync(Digest? expectedDigest, long? expectedSize, CancellationToken cancellationToken = default) =>
            inner.CommitAsync(digest, size, cancellationToken);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
