using System.Buffers;
using System.IO.Compression;

namespace Img.Engine.Diff;

/// <summary>
/// A write-only gzip compressor that uses several cores, pigz style: the input is cut into
/// fixed-size blocks, each block is compressed on its own as a complete gzip member, and the
/// members are written in order. The result is one valid gzip file (RFC 1952 allows
/// concatenated members; Go's <c>gzip.Reader</c>, zlib's gunzip, pigz and .NET read it whole).
/// Blocks are independent, so the ratio is a little worse than one stream (no shared window).
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    private readonly Stream _inner;
    private readonly CompressionLevel _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _pending = new();
    private byte[] _block;
    private int _fill;
    private bool _wroteAny;
    private bool _completed;

    public ParallelGzipStream(Stream inner, CompressionLevel level = CompressionLevel.Optimal, int parallelism = 0, int blockSize = 1 << 20)
    {
        _inner = inner;
        _level = level;
        _blockSize = blockSize;
        _maxInFlight = Math.Max(1, parallelism > 0 ? parallelism : Environment.ProcessorCount) * 2;
        _block = ArrayPool<byte>.Shared.Rent(blockSize);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (buffer.Length > 0)
        {
            int n = Math.Min(buffer.Length, _blockSize - _fill);
            buffer[..n].CopyTo(_block.AsSpan(_fill));
            _fill += n;
            buffer = buffer[n..];
            if (_fill == _blockSize)
            {
                Submit();
            }
        }
    }

    /// <summary>Compresses what is buffered and writes every member; the stream accepts no more data.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        if (_fill > 0 || !_wroteAny)
        {
            Submit();
        }
        while (_pending.Count > 0)
        {
            WriteOldest();
        }
        ArrayPool<byte>.Shared.Return(_block);
        _completed = true;
        _inner.Flush();
    }

    /// <summary>Only flushes the underlying stream: a partial block stays buffered until more data or <see cref="Complete"/>.</summary>
    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }
        base.Dispose(disposing);
    }

    private void Submit()
    {
        byte[] data = _block;
        int length = _fill;
        CompressionLevel level = _level;
        _pending.Enqueue(Task.Run(() => CompressMember(data, length, level)));
        _wroteAny = true;
        _block = ArrayPool<byte>.Shared.Rent(_blockSize);
        _fill = 0;
        while (_pending.Count >= _maxInFlight)
        {
            WriteOldest();
        }
    }

    private void WriteOldest()
    {
        var (buffer, length) = _pending.Dequeue().GetAwaiter().GetResult();
        _inner.Write(buffer, 0, length);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private static (byte[] Buffer, int Length) CompressMember(byte[] data, int length, CompressionLevel level)
    {
        try
        {
            using var ms = new PooledBufferStream(length / 2 + 1024);
            using (var gz = new GZipStream(ms, level, leaveOpen: true))
            {
                gz.Write(data, 0, length);
            }
            return ms.Detach();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>A growable write buffer rented from the shared pool.</summary>
    private sealed class PooledBufferStream(int initial) : Stream
    {
        private byte[] _buf = ArrayPool<byte>.Shared.Rent(initial);
        private int _len;

        public (byte[], int) Detach()
        {
            var r = (_buf, _len);
            _buf = [];
            _len = 0;
            return r;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_len + buffer.Length > _buf.Length)
            {
                byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buf.Length * 2, _len + buffer.Length));
                _buf.AsSpan(0, _len).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buf);
                _buf = bigger;
            }
            buffer.CopyTo(_buf.AsSpan(_len));
            _len += buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _len;
        public override long Position { get => _len; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
