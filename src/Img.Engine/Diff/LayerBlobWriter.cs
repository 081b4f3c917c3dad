using System.Buffers;
using Img.Engine.Archive.Zstd;
using Img.Engine.Content;

namespace Img.Engine.Diff;

/// <summary>
/// A write-only stream that takes an uncompressed layer tar and writes the compressed blob to
/// a destination, computing the diffID (sha256 of what is written here) and the blob digest
/// (sha256 of what reaches the destination) in the same pass. Call <see cref="Complete"/> at the end.
/// <para>
/// Each byte is hashed once per digest: a destination that already hashes what it receives (a
/// content-store ingest, <see cref="DigestingStream"/>) supplies the blob digest, and an
/// uncompressed blob's digest is its diffID. The caller's thread copies and hashes the tar; gzip
/// compresses and writes on threads of its own (<see cref="ParallelGzipStream"/>), zstd compresses
/// on libzstd's and writes on a <see cref="WriteBehindStream"/>'s. As an
/// <see cref="IBufferWriter{T}"/> it lets the tar writer read files straight into gzip's blocks.
/// </para>
/// </summary>
public sealed class LayerBlobWriter : Stream, IBufferWriter<byte>
{
    private const int ScratchSize = 1 << 20;

    private readonly LayerCompressionOptions _options;
    private readonly DigestHasher? _diffId;
    private readonly Stream _sink;
    private readonly ParallelGzipStream? _gzip;
    private readonly ZstdCompressionStream? _zstd;
    private readonly WriteBehindStream? _writeBehind;
    private readonly DigestingStream? _blobHash;
    private readonly DigestingStream? _destinationHash;
    private Memory<byte> _lent;
    private byte[]? _scratch;
    private long _written;
    private LayerBlob? _result;

    /// <param name="parallelism">Compression threads; 0 = one per core.</param>
    /// <exception cref="NotSupportedException">zstd without libzstd.</exception>
    public LayerBlobWriter(Stream destination, LayerCompressionOptions? compression = null, int parallelism = 0)
    {
        _options = compression ?? LayerCompressionOptions.Default;
        // Only a destination that has hashed nothing yet: its digest is then exactly the blob's.
        _destinationHash = destination is DigestingStream { BytesHashed: 0 } digesting ? digesting : null;
        Stream blob = destination;
        if (_destinationHash is null)
        {
            blob = _blobHash = new DigestingStream(destination, leaveOpen: true);
        }
        int workers = Math.Max(1, parallelism > 0 ? parallelism : Environment.ProcessorCount);
        switch (_options.Compression)
        {
            case LayerCompression.None:
                _sink = blob;
                break;
            case LayerCompression.Gzip:
                _sink = _gzip = new ParallelGzipStream(blob, _options.EffectiveLevel, workers);
                break;
            case LayerCompression.Zstd:
                // Always with worker threads (even one): zstd's output then does not depend on the core count.
                _writeBehind = new WriteBehindStream(blob);
                _sink = _zstd = new ZstdCompressionStream(_writeBehind, _options.EffectiveLevel, workers, leaveOpen: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(compression));
        }
        if (_options.Compression != LayerCompression.None)
        {
            _diffId = new DigestHasher(); // uncompressed, the blob digest is the diffID
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _diffId?.Append(buffer);
        _sink.Write(buffer);
        _written += buffer.Length;
    }

    /// <summary>Room to write tar bytes into: gzip's current block itself, else a scratch buffer passed on by <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <inheritdoc cref="GetSpan"/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_gzip is not null)
        {
            _lent = _gzip.GetMemory(sizeHint);
        }
        else
        {
            _scratch ??= ArrayPool<byte>.Shared.Rent(Math.Max(ScratchSize, sizeHint));
            if (_scratch.Length < sizeHint)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
            }
            _lent = _scratch;
        }
        return _lent;
    }

    /// <summary>Takes <paramref name="count"/> bytes written into the last <see cref="GetSpan"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _lent.Length);
        var written = _lent.Span[..count];
        _lent = default;
        if (_gzip is not null)
        {
            _diffId?.Append(written);
            _gzip.Advance(count);
            _written += count;
        }
        else
        {
            Write(written);
        }
    }

    /// <summary>Finishes compression and returns the digests and sizes.</summary>
    public LayerBlob Complete()
    {
        if (_result is null)
        {
            _gzip?.Complete();
            _zstd?.Complete();
            _writeBehind?.Complete();
            _sink.Flush();
            string blobDigest;
            long blobSize;
            if (_destinationHash is not null)
            {
                blobDigest = _destinationHash.Digest.ToString();
                blobSize = _destinationHash.BytesHashed;
            }
            else
            {
                blobDigest = _blobHash!.Digest.ToString();
                blobSize = _blobHash.BytesHashed;
            }
            string diffId = _diffId?.Digest.ToString() ?? blobDigest;
            _result = new LayerBlob(diffId, blobDigest, blobSize, _written, _options.MediaType);
        }
        return _result;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip?.Dispose();
            _zstd?.Dispose();
            _writeBehind?.Dispose();
            _diffId?.Dispose();
            _blobHash?.Dispose();
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = null;
            }
        }
        base.Dispose(disposing);
    }
}
