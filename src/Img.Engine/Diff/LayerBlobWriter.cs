using System.IO.Compression;
using Img.Engine.Oci;

namespace Img.Engine.Diff;

/// <summary>
/// A write-only stream that takes an uncompressed layer tar and writes the compressed blob to
/// a destination, computing the diffID (sha256 of what is written here) and the blob digest
/// (sha256 of what reaches the destination) in the same pass. Call <see cref="Complete"/> at the end.
/// </summary>
public sealed class LayerBlobWriter : Stream
{
    private readonly HashingStream _uncompressed;
    private readonly HashingStream _compressed;
    private readonly Stream? _compressor;
    private readonly LayerCompression _compression;
    private LayerBlob? _result;

    /// <param name="parallelism">gzip worker count; 1 uses a single <see cref="GZipStream"/>, 0 uses every core.</param>
    public LayerBlobWriter(Stream destination, LayerCompression compression = LayerCompression.Gzip,
        CompressionLevel level = CompressionLevel.Optimal, int parallelism = 0)
    {
        _compression = compression;
        _compressed = new HashingStream(destination);
        _compressor = compression switch
        {
            LayerCompression.None => null,
            LayerCompression.Gzip when parallelism == 1 => new GZipStream(_compressed, level, leaveOpen: true),
            LayerCompression.Gzip => new ParallelGzipStream(_compressed, level, parallelism),
            _ => throw new ArgumentOutOfRangeException(nameof(compression)),
        };
        _uncompressed = new HashingStream(_compressor ?? _compressed);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _uncompressed.Length64;
    public override long Position { get => _uncompressed.Length64; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _uncompressed.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => _uncompressed.Write(buffer);

    /// <summary>Finishes compression and returns the digests and sizes.</summary>
    public LayerBlob Complete()
    {
        if (_result is null)
        {
            _compressor?.Dispose();
            _compressed.Flush();
            _result = new LayerBlob(_uncompressed.Digest, _compressed.Digest, _compressed.Length64, _uncompressed.Length64,
                _compression == LayerCompression.Gzip ? MediaTypes.OciLayerGzip : MediaTypes.OciLayer);
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
            _uncompressed.Dispose();
            _compressed.Dispose();
        }
        base.Dispose(disposing);
    }
}
