using System.Buffers;

namespace Img.Engine.Archive.Zstd;

/// <summary>
/// A read-only stream of the bytes a zstd stream decodes to (every frame, one after another,
/// skippable frames ignored), through libzstd. Corrupt data, a failed content checksum or a
/// stream that ends inside a frame throw <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ZstdDecompressionStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _input;
    private nint _context;
    private int _inputStart;
    private int _inputEnd;
    private bool _innerEnded;
    private bool _frameOpen;
    private long _position;

    /// <exception cref="NotSupportedException">libzstd is not installed.</exception>
    public ZstdDecompressionStream(Stream inner, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        try
        {
            _context = ZstdLibrary.CreateDecompressionContext();
        }
        catch (DllNotFoundException e)
        {
            throw ZstdLibrary.Missing(e);
        }
        if (_context == 0)
        {
            throw new OutOfMemoryException("ZSTD_createDCtx failed");
        }
        _input = ArrayPool<byte>.Shared.Rent(Math.Max((int)ZstdLibrary.DecompressionInputSize(), 1 << 17));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            if (_inputStart == _inputEnd && !_innerEnded)
            {
                _inputStart = 0;
                _inputEnd = _inner.Read(_input, 0, _input.Length);
                _innerEnded = _inputEnd == 0;
            }
            int produced = Decode(buffer);
            if (produced > 0)
            {
                _position += produced;
                return produced;
            }
            if (_innerEnded && _inputStart == _inputEnd)
            {
                if (_frameOpen)
                {
                    throw new InvalidDataException("zstd data ends inside a frame (truncated)");
                }
                return 0;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            if (_inputStart == _inputEnd && !_innerEnded)
            {
                _inputStart = 0;
                _inputEnd = await _inner.ReadAsync(_input, cancellationToken).ConfigureAwait(false);
                _innerEnded = _inputEnd == 0;
            }
            int produced = Decode(buffer.Span);
            if (produced > 0)
            {
                _position += produced;
                return produced;
            }
            if (_innerEnded && _inputStart == _inputEnd)
            {
                if (_frameOpen)
                {
                    throw new InvalidDataException("zstd data ends inside a frame (truncated)");
                }
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_context != 0)
        {
            ZstdLibrary.FreeDecompressionContext(_context);
            _context = 0;
            ArrayPool<byte>.Shared.Return(_input);
            if (disposing && !_leaveOpen)
            {
                _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>Decodes buffered input into <paramref name="destination"/> until it has output or the input runs dry.</summary>
    private unsafe int Decode(Span<byte> destination)
    {
        fixed (byte* source = _input)
        fixed (byte* target = destination)
        {
            var input = new ZstdLibrary.InBuffer { Source = source + _inputStart, Size = (nuint)(_inputEnd - _inputStart) };
            var output = new ZstdLibrary.OutBuffer { Destination = target, Size = (nuint)destination.Length };
            do
            {
                nuint consumed = input.Position;
                nuint hint = ZstdLibrary.Check(ZstdLibrary.DecompressStream(_context, &output, &input), "decompression");
                // 0 = a frame ended and all of it was written out. Between frames libzstd answers
                // "header bytes wanted", so only a call that moved data opens a frame.
                if (hint == 0)
                {
                    _frameOpen = false;
                }
                else if (input.Position > consumed || output.Position > 0)
                {
                    _frameOpen = true;
                }
            }
            while (output.Position == 0 && input.Position < input.Size);
            _inputStart += (int)input.Position;
            return (int)output.Position;
        }
    }
}
