using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Img.Engine.Diff;

/// <summary>
/// A write-only stream that gathers writes into 1 MiB buffers and hands them to a thread of its
/// own, which writes them to the inner stream in order: the caller's thread goes on producing
/// while the inner stream (a content-store ingest: sha256 plus a file write) consumes. At most a
/// few buffers wait; a failure of the inner stream surfaces on the next write or on
/// <see cref="Complete"/>. The thread starts with the first full buffer, so small outputs are
/// written inline.
/// </summary>
internal sealed class WriteBehindStream(Stream inner) : Stream
{
    private const int BufferSize = 1 << 20;
    private const int MaxWaiting = 4;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _fill;
    private BlockingCollection<(byte[] Buffer, int Length)>? _queue;
    private Thread? _thread;
    private volatile ExceptionDispatchInfo? _failure;
    private bool _completed;

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
            if (_fill == BufferSize)
            {
                Hand();
            }
            int n = Math.Min(buffer.Length, BufferSize - _fill);
            buffer[..n].CopyTo(_buffer.AsSpan(_fill));
            _fill += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Writes everything still buffered or queued and waits for it; no more writes after this.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        try
        {
            if (_queue is null)
            {
                inner.Write(_buffer, 0, _fill);
            }
            else
            {
                if (_fill > 0)
                {
                    Enqueue();
                }
                Stop();
                _failure?.Throw();
            }
            inner.Flush();
        }
        finally
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }
    }

    /// <summary>Buffered bytes stay buffered: only <see cref="Complete"/> drains them.</summary>
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed)
        {
            if (_failure is null)
            {
                Complete();
            }
            else
            {
                _completed = true;
                Stop();
                if (_buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = [];
                }
            }
        }
        base.Dispose(disposing);
    }

    private void Hand()
    {
        _failure?.Throw();
        if (_queue is null)
        {
            _queue = new BlockingCollection<(byte[], int)>(MaxWaiting);
            _thread = new Thread(WriteLoop) { IsBackground = true, Name = "img-layer-writer" };
            _thread.Start();
        }
        Enqueue();
    }

    private void Enqueue()
    {
        _queue!.Add((_buffer, _fill));
        _buffer = _completed ? [] : ArrayPool<byte>.Shared.Rent(BufferSize);
        _fill = 0;
    }

    private void Stop()
    {
        _queue!.CompleteAdding();
        _thread!.Join();
        _queue.Dispose();
    }

    private void WriteLoop()
    {
        foreach (var (buffer, length) in _queue!.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is null)
                {
                    inner.Write(buffer, 0, length);
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
