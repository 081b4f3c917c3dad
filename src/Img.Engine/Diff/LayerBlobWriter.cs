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
/// on libzstd's and writes on a <see cref="WriteBehindStream"/>'s.
/// </para>
/// </summary>
public sealed class LayerBlobWriter : Stream
{
    private readonly LayerCompressionOptions _options;
    private readonly Stream _input;
    private readonly HashingStream? _diffIdHash;
    private readonly HashingStream? _blobHash;
    private readonly DigestingStream? _destinationHash;
    private readonly Stream? _compressor;
    private readonly WriteBehindStream? _writeBehind;
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
        if (_destinationHash is null && _options.Compression != LayerCompression.None)
        {
            blob = _blobHash = new HashingStream(destination);
        }
        int workers = Math.Max(1, parallelism > 0 ? parallelism : Environment.ProcessorCount);
        _compressor = _options.Compression switch
        {
            LayerCompression.None => null,
            LayerCompression.Gzip => new ParallelGzipStream(blob, _options.EffectiveLevel, workers),
            // Always with worker threads (even one): zstd's output then does not depend on the core count.
            // Its output is hashed and written on another thread, as gzip's is.
            LayerCompression.Zstd => new ZstdCompressionStream(_writeBehind = new WriteBehindStream(blob), _options.EffectiveLevel, workers, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(compression)),
        };
        if (_compressor is null && _destinationHash is not null)
        {
            _input = destination; // the destination's digest is the diffID too
        }
        else
        {
            _input = _diffIdHash = new HashingStream(_compressor ?? blob);
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
        _input.Write(buffer);
        _written += buffer.Length;
    }

    /// <summary>Finishes compression and returns the digests and sizes.</summary>
    public LayerBlob Complete()
    {
        if (_result is null)
        {
            switch (_compressor)
            {
                case ParallelGzipStream gzip:
                    gzip.Complete();
                    break;
                case ZstdCompressionStream zstd:
                    zstd.Complete();
                    _writeBehind!.Complete();
                    break;
            }
            string blobDigest;
            long blobSize;
            if (_destinationHash is not null)
            {
                _destinationHash.Flush();
                blobDigest = _destinationHash.Digest.ToString();
                blobSize = _destinationHash.BytesHashed;
            }
            else if (_blobHash is not null)
            {
                _blobHash.Flush();
                blobDigest = _blobHash.Digest;
                blobSize = _blobHash.Length64;
            }
            else
            {
                _diffIdHash!.Flush();
                blobDigest = _diffIdHash.Digest;
                blobSize = _written;
            }
            string diffId = _diffIdHash?.Digest ?? blobDigest;
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
            _compressor?.Dispose();
            _writeBehind?.Dispose();
            _diffIdHash?.Dispose();
            _blobHash?.Dispose();
        }
        base.Dispose(disposing);
    }
}
