using System.IO.Pipelines;
using Img.Engine.Content;

namespace Img.Engine.Transfer;

/// <summary>
/// An ingester that also hands the bytes of its first ingest to a pipe as they are written, so a
/// layer can be unpacked while it downloads. The pipe ends normally only when that ingest commits,
/// that is, once the content store has verified digest and size; a failed, abandoned or repeated
/// ingest (the next holder after a bad one) ends it with an error, so nothing unverified is ever
/// read to its end. When the pipe's reader stops, the download goes on into the store alone.
/// </summary>
internal sealed class TeeIngester(IContentIngester inner, PipeWriter tee) : IContentIngester
{
    private int _attempts;
    private int _ended;
    private bool _readerGone;

    public async ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default)
    {
        var writer = await inner.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _attempts) == 1)
            return new Writer(this, writer);
        End(new IOException("the download started over (another holder): the streamed bytes are void"));
        return writer;
    }

    /// <summary>Ends the pipe (once): null = the bytes are complete and verified.</summary>
    public void End(Exception? error)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
            tee.Complete(error);
    }

    private bool Teeing => Volatile.Read(ref _ended) == 0 && !_readerGone;

    private async ValueTask TeeAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        if (!Teeing)
            return;
        var result = await tee.WriteAsync(buffer, ct).ConfigureAwait(false);
        _readerGone |= result.IsCompleted;
    }

    private void Tee(ReadOnlySpan<byte> buffer)
    {
        if (!Teeing)
            return;
        buffer.CopyTo(tee.GetSpan(buffer.Length));
        tee.Advance(buffer.Length);
        _readerGone |= tee.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted;
    }

    private sealed class Writer(TeeIngester owner, IContentWriter inner) : IContentWriter
    {
        private readonly TeeStream _stream = new(owner, inner.Stream);

        public Stream Stream => _stream;
        public long BytesWritten => inner.BytesWritten;
        public Digest CurrentDigest => inner.CurrentDigest;

        public async ValueTask<ContentInfo> CommitAsync(Digest? expectedDigest, long? expectedSize, CancellationToken cancellationToken = default)
        {
            try
            {
                var info = await inner.CommitAsync(expectedDigest, expectedSize, cancellationToken).ConfigureAwait(false);
                owner.End(null);
                return info;
            }
            catch (Exception e)
            {
                owner.End(e);
                throw;
            }
        }

        public void Dispose()
        {
            owner.End(new IOException("the download was abandoned"));
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner.End(new IOException("the download was abandoned"));
            return inner.DisposeAsync();
        }
    }

    private sealed class TeeStream(TeeIngester owner, Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            owner.Tee(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            await owner.TeeAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
