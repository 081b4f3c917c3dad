using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Img.Engine.Diff;

/// <summary>
/// A write-only gzip compressor that uses several cores, pigz style: the input is cut into
/// fixed-size blocks, each block becomes a complete gzip member of its own (<see cref="GzipMember"/>:
/// deflated, or stored when it would not shrink), and the members are written in order. The
/// result is one valid gzip file (RFC 1952 allows concatenated members; Go's <c>gzip.Reader</c>,
/// zlib's gunzip, pigz and .NET read it whole), and the same bytes in give the same file out
/// whatever the worker count or timing, since members only depend on their block.
/// <para>
/// Once a second block is needed, blocks are compressed by worker threads and written to the
/// inner stream by a writer thread of their own, so the caller only copies into blocks and
/// waits when too many are in flight. A layer that fits in one block is written inline without
/// threads. Failures of the inner stream surface on the caller's next write or on <see cref="Complete"/>.
/// As an <see cref="IBufferWriter{T}"/> it lets a producer fill its blocks in place.
/// </para>
/// </summary>
public sealed class ParallelGzipStream : Stream, IBufferWriter<byte>
{
    /// <summary>The uncompressed bytes per member.</summary>
    public const int DefaultBlockSize = 1 << 20;

    private readonly Stream _inner;
    private readonly int _level;
    private readonly int _workerCount;
    private readonly int _blockSize;
    private byte[] _block;
    private int _fill;
    private bool _completed;

    // The pipeline, started with the second block.
    private BlockingCollection<Job>? _work;
    private BlockingCollection<Job>? _order;
    private SemaphoreSlim? _slots;
    private List<Thread>? _threads;
    private volatile ExceptionDispatchInfo? _failure;

    /// <param name="level">zlib level 0-9 (0 = stored).</param>
    /// <param name="parallelism">Worker threads; 0 = one per core.</param>
    public ParallelGzipStream(Stream inner, int level, int parallelism = 0, int blockSize = DefaultBlockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        _inner = inner;
        _level = level;
        _workerCount = Math.Max(1, parallelism > 0 ? parallelism : Environment.ProcessorCount);
        _blockSize = blockSize;
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
            if (_fill == _blockSize)
            {
                // Submitted only once more data arrives, so a layer of exactly one block stays inline.
                Submit();
            }
            int n = Math.Min(buffer.Length, _blockSize - _fill);
            buffer[..n].CopyTo(_block.AsSpan(_fill));
            _fill += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>The free part of the current block (a new block when it is full); at least <paramref name="sizeHint"/> bytes up to a block.</summary>
    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <inheritdoc cref="GetSpan"/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_fill == _blockSize || (sizeHint > _blockSize - _fill && _fill > 0))
        {
            Submit();
        }
        return _block.AsMemory(_fill, _blockSize - _fill);
    }

    /// <summary>Takes <paramref name="count"/> bytes written into the span <see cref="GetSpan"/> returned.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _blockSize - _fill);
        _fill += count;
    }

    /// <summary>Compresses what is buffered and writes every member; the stream accepts no more data.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (_work is null)
        {
            // Everything fits in one block (an empty input still makes an empty member: valid gzip).
            try
            {
                GzipMember.Write(_block.AsSpan(0, _fill), _level, _inner);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(_block);
            }
        }
        else
        {
            if (_fill > 0)
            {
                Post(_block, _fill);
            }
            else
            {
                ArrayPool<byte>.Shared.Return(_block);
            }
            StopPipeline();
            _failure?.Throw();
        }
        _inner.Flush();
    }

    /// <summary>Only flushes the underlying stream: a partial block stays buffered until more data or <see cref="Complete"/>.</summary>
    public override void Flush() => _inner.Flush();

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
                // The inner stream failed: the caller already saw (or will see) that error; just stop.
                _completed = true;
                ArrayPool<byte>.Shared.Return(_block);
                StopPipeline();
            }
        }
        base.Dispose(disposing);
    }

    private void Submit()
    {
        if (_work is null)
        {
            StartPipeline();
        }
        Post(_block, _fill);
        _block = ArrayPool<byte>.Shared.Rent(_blockSize);
        _fill = 0;
    }

    private void StartPipeline()
    {
        _work = new BlockingCollection<Job>();
        _order = new BlockingCollection<Job>();
        // Two blocks per worker keep every worker busy while the writer drains.
        _slots = new SemaphoreSlim(_workerCount * 2 + 2);
        _threads = [];
        for (int i = 0; i < _workerCount; i++)
        {
            _threads.Add(StartThread(CompressLoop, "img-gzip-" + i));
        }
        _threads.Add(StartThread(WriteLoop, "img-gzip-writer"));
    }

    private static Thread StartThread(Action loop, string name)
    {
        var thread = new Thread(() => loop()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    private void Post(byte[] block, int length)
    {
        _failure?.Throw();
        _slots!.Wait();
        var job = new Job(block, length);
        _order!.Add(job);
        _work!.Add(job);
    }

    private void StopPipeline()
    {
        _work!.CompleteAdding();
        _order!.CompleteAdding();
        foreach (var thread in _threads!)
        {
            thread.Join();
        }
        _work.Dispose();
        _order.Dispose();
        _slots!.Dispose();
    }

    private void CompressLoop()
    {
        foreach (var job in _work!.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is null)
                {
                    (job.Output, job.OutputLength) = GzipMember.Compress(job.Input.AsSpan(0, job.Length), _level);
                }
            }
            catch (Exception e)
            {
                job.Error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(job.Input);
                job.Done.Set();
            }
        }
    }

    private void WriteLoop()
    {
        foreach (var job in _order!.GetConsumingEnumerable())
        {
            job.Done.Wait();
            try
            {
                if (_failure is null && job.Error is not null)
                {
                    _failure = job.Error;
                }
                else if (_failure is null && job.Output is not null)
                {
                    _inner.Write(job.Output, 0, job.OutputLength);
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                if (job.Output is not null)
                {
                    ArrayPool<byte>.Shared.Return(job.Output);
                }
                job.Done.Dispose();
                _slots!.Release();
            }
        }
    }

    /// <summary>One block on its way through the pipeline.</summary>
    private sealed class Job(byte[] input, int length)
    {
        public byte[] Input { get; } = input;
        public int Length { get; } = length;
        public byte[]? Output { get; set; }
        public int OutputLength { get; set; }
        public ExceptionDispatchInfo? Error { get; set; }
        public ManualResetEventSlim Done { get; } = new();
    }
}
