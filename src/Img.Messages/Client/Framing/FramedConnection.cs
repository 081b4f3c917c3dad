using System.Threading.Channels;

namespace Img.Messages.Client.Framing;

/// <summary>
/// Both directions of a client-protocol connection over one stream (TCP, or TLS over it).
/// <see cref="Send"/> never blocks: frames are queued and written in order by one loop, which
/// flushes when the queue runs dry, so a burst (log lines of a busy step) shares packets.
/// <see cref="ReceiveAsync"/> reads the other side's frames. Disposing closes the stream.
/// </summary>
public sealed class FramedConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly Channel<IImgMessage> _outbound = Channel.CreateUnbounded<IImgMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _writing;
    private int _disposed;

    public FramedConnection(Stream stream)
    {
        _stream = stream;
        _reader = new FrameReader(stream);
        _writing = Task.Run(WriteLoopAsync);
    }

    /// <summary>Why writing stopped (the peer went away), once it has.</summary>
    public Exception? WriteError { get; private set; }

    /// <summary>Queues a frame; false once the connection is closed.</summary>
    public bool Send(IImgMessage message) => _outbound.Writer.TryWrite(message);

    /// <summary>The next frame from the peer, or null when it closed the connection.</summary>
    /// <exception cref="InvalidDataException">The peer does not speak the protocol.</exception>
    public Task<IImgMessage?> ReceiveAsync(CancellationToken cancellationToken = default) => _reader.ReadAsync(cancellationToken);

    /// <summary>Waits until every frame queued so far is written (or writing failed).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) == 1)
            return;
        _outbound.Writer.TryComplete();
        await Task.WhenAny(_writing, Task.Delay(timeout)).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var writer = new FrameWriter(new BufferedStream(_stream, 64 * 1024));
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                    await writer.WriteAsync(message, _closed.Token).ConfigureAwait(false);
                await writer.FlushAsync(_closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            WriteError = e;
            _outbound.Writer.TryComplete();
            // a connection that cannot write is over: the reader must not wait for answers that will never be asked for
            if (!_closed.IsCancellationRequested)
                await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // closing twice (a lost connection, then its owner's dispose) is harmless
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _outbound.Writer.TryComplete();
        await _closed.CancelAsync().ConfigureAwait(false);
        try
        {
            await _writing.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the loop records its own failure
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
    }
}
