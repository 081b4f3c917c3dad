using System.Buffers;

namespace Img.Engine.Archive.Zstd;

/// <summary>
/// A write-only stream that writes one zstd frame (with its content checksum) to an inner
/// stream, through libzstd's streaming API. With <c>workers</c> &gt; 0 libzstd compresses on
/// that many threads of its own while the caller keeps writing; its output is then the same for
/// any worker count &gt; 0 (zstd's multi-threaded format depends on the level, not the threads),
/// which keeps blobs reproducible across machines. Dispose (or <see cref="Complete"/>) ends the frame.
/// <para>
/// The last byte written is held back and given to libzstd together with the end of the frame:
/// with worker threads, a frame whose input ends exactly on a job boundary otherwise gets an extra
/// empty last block or not depending on whether that job had already started (timing), and the
/// output would differ from run to run.
/// </para>
/// </summary>
public sealed class ZstdCompressionStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _output;
    private nint _context;
    private bool _completed;
    private bool _holding;
    private byte _held;

    /// <param name="level">1 (fastest) to <c>ZSTD_maxCLevel()</c> (22).</param>
    /// <param name="workers">libzstd compression threads; 0 compresses in the caller's thread (a different, single-threaded format).</param>
    /// <exception cref="NotSupportedException">libzstd is not installed.</exception>
    public ZstdCompressionStream(Stream inner, int level, int workers, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        try
        {
            _context = ZstdLibrary.CreateCompressionContext();
        }
        catch (DllNotFoundException e)
        {
            throw ZstdLibrary.Missing(e);
        }
        if (_context == 0)
        {
            throw new OutOfMemoryException("ZSTD_createCCtx failed");
        }
        try
        {
            ZstdLibrary.Check(ZstdLibrary.SetCompressionParameter(_context, ZstdLibrary.CompressionLevelParameter, level), "compression level " + level);
            ZstdLibrary.Check(ZstdLibrary.SetCompressionParameter(_context, ZstdLibrary.ChecksumFlagParameter, 1), "checksum flag");
            if (workers > 0)
            {
                ZstdLibrary.Check(ZstdLibrary.SetCompressionParameter(_context, ZstdLibrary.NbWorkersParameter, workers), "worker count");
            }
        }
        catch
        {
            ZstdLibrary.FreeCompressionContext(_context);
            throw;
        }
        _output = ArrayPool<byte>.Shared.Rent((int)ZstdLibrary.CompressionOutputSize());
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
        if (buffer.IsEmpty)
        {
            return;
        }
        if (_holding)
        {
            byte held = _held;
            Feed(new ReadOnlySpan<byte>(ref held), ZstdLibrary.Continue);
        }
        Feed(buffer[..^1], ZstdLibrary.Continue);
        _held = buffer[^1];
        _holding = true;
    }

    /// <summary>Ends the frame and writes what libzstd still holds; the stream accepts no more data.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        byte held = _held;
        Feed(_holding ? new ReadOnlySpan<byte>(ref held) : [], ZstdLibrary.End);
        _completed = true;
        _inner.Flush();
    }

    /// <summary>Only flushes the inner stream: forcing libzstd to flush would end a block early and change the output.</summary>
    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing && _context != 0)
            {
                Complete();
                if (!_leaveOpen)
                {
                    _inner.Dispose();
                }
            }
        }
        finally
        {
            if (_context != 0)
            {
                ZstdLibrary.FreeCompressionContext(_context);
                _context = 0;
                ArrayPool<byte>.Shared.Return(_output);
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Gives <paramref name="data"/> to libzstd and writes whatever output it produces; with
    /// <see cref="ZstdLibrary.End"/>, repeats until the frame is completely written.
    /// </summary>
    private unsafe void Feed(ReadOnlySpan<byte> data, int directive)
    {
        fixed (byte* source = data)
        fixed (byte* destination = _output)
        {
            var input = new ZstdLibrary.InBuffer { Source = source, Size = (nuint)data.Length };
            while (true)
            {
                var output = new ZstdLibrary.OutBuffer { Destination = destination, Size = (nuint)_output.Length };
                nuint left = ZstdLibrary.Check(ZstdLibrary.CompressStream(_context, &output, &input, directive), "compression");
                if (output.Position > 0)
                {
                    _inner.Write(_output, 0, (int)output.Position);
                }
                bool done = directive == ZstdLibrary.End ? left == 0 : input.Position == input.Size;
                if (done)
                {
                    return;
                }
            }
        }
    }
}
