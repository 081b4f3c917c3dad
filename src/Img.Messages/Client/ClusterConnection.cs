using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using Img.Messages.Client.Framing;

namespace Img.Messages.Client;

/// <summary>
/// A client's connection to a coordinator's client endpoint (<c>img build --cluster</c>,
/// <c>img cluster status</c>, a member enrolling): TCP to the first of the given addresses that
/// answers, TLS over it when a <see cref="ClusterClientOptions.Secure"/> is given, the hello with
/// the cluster secret, then frames both ways. Answers that carry a request id (blob chunks, push
/// results) go to the request that asked; everything else arrives on <see cref="Incoming"/>.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly FramedConnection _connection;
    private readonly Channel<IImgMessage> _incoming = Channel.CreateUnbounded<IImgMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ConcurrentDictionary<long, Channel<IImgMessage>> _requests = new();
    private readonly Task _receiving;
    private long _nextRequest;

    private ClusterConnection(FramedConnection connection, string address, string coordinator)
    {
        _connection = connection;
        Address = address;
        Coordinator = coordinator;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The address that answered.</summary>
    public string Address { get; }

    /// <summary>The coordinator's name, from its welcome.</summary>
    public string Coordinator { get; }

    /// <summary>Frames that answer no request: build events, and the coordinator's questions about this client's build.</summary>
    public ChannelReader<IImgMessage> Incoming => _incoming.Reader;

    /// <summary>Why the connection ended, once it has (null while open, or when the coordinator closed it cleanly).</summary>
    public Exception? Error { get; private set; }

    /// <summary>
    /// Connects to the first address of <paramref name="addresses"/> (<c>HOST:PORT</c>) that
    /// accepts the hello; the errors of the others are reported together when none does.
    /// </summary>
    /// <exception cref="ClusterConnectionException">No address could be reached, or the token was refused.</exception>
    public static async Task<ClusterConnection> ConnectAsync(IReadOnlyList<string> addresses, ClusterClientOptions options, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
            throw new ClusterConnectionException("no cluster address given");
        var errors = new List<string>();
        foreach (var address in addresses)
        {
            try
            {
                return await ConnectOneAsync(address, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ClusterRefusedException)
            {
                throw;
            }
            catch (Security.ClusterSecurityException e)
            {
                // the coordinator is not the one the token names: another would not be either
                throw new ClusterRefusedException($"{address}: {e.Message}");
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidDataException or FormatException
                or System.Security.Authentication.AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors.Add($"{address}: {e.Message}");
            }
        }
        throw new ClusterConnectionException("cannot reach the cluster: " + string.Join("; ", errors));
    }

    private static async Task<ClusterConnection> ConnectOneAsync(string address, ClusterClientOptions options, CancellationToken cancellationToken)
    {
        var (host, port) = ClusterAddress.Parse(address);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var tcp = new TcpClient { NoDelay = true };
        Stream? stream = null;
        try
        {
            await tcp.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            stream = tcp.GetStream();
            if (options.Secure is { } secure)
                stream = await secure(stream, host, timeout.Token).ConfigureAwait(false);
            var connection = new FramedConnection(stream);
            connection.Send(new ClientHello(ClientProtocol.Version, options.Secret, options.ClientName));
            var answer = await connection.ReceiveAsync(timeout.Token).ConfigureAwait(false);
            switch (answer)
            {
                case ClientWelcome welcome:
                    return new ClusterConnection(connection, address, welcome.Coordinator);
                case ClientRefused refused:
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw new ClusterRefusedException($"{address} refused the connection: {refused.Reason}");
                case null when options.Secure is null:
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw new ClusterRefusedException($"{address} closed the connection: a secured cluster needs its token (--cluster-token-file FILE, or IMG_CLUSTER_TOKEN)");
                default:
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidDataException($"{address} did not answer the hello (is it an img coordinator's client port?)");
            }
        }
        catch
        {
            if (stream is not null)
                await stream.DisposeAsync().ConfigureAwait(false);
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends a frame; false once the connection is closed.</summary>
    public bool Send(IImgMessage message) => _connection.Send(message);

    /// <summary>A new request id, with a channel that receives the frames answering it.</summary>
    public (long Id, ChannelReader<IImgMessage> Answers) OpenRequest()
    {
        var id = Interlocked.Increment(ref _nextRequest);
        var channel = Channel.CreateUnbounded<IImgMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _requests[id] = channel;
        return (id, channel.Reader);
    }

    /// <summary>Stops routing answers to a request.</summary>
    public void CloseRequest(long id)
    {
        if (_requests.TryRemove(id, out var channel))
            channel.Writer.TryComplete();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (await _connection.ReceiveAsync().ConfigureAwait(false) is { } message)
            {
                var id = message switch
                {
                    BlobChunk c => c.RequestId,
                    ImagePushed p => p.RequestId,
                    ImageConfigResolved r => r.RequestId,
                    CachePublished p => p.RequestId,
                    _ => 0L,
                };
                if (id != 0 && _requests.TryGetValue(id, out var request))
                    request.Writer.TryWrite(message);
                else
                    _incoming.Writer.TryWrite(message);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or OperationCanceledException)
        {
            Error = e;
        }
        finally
        {
            var closed = new IOException($"the connection to coordinator {Coordinator} ({Address}) closed");
            _incoming.Writer.TryComplete(Error is null ? null : closed);
            foreach (var request in _requests.Values)
                request.Writer.TryComplete(closed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // recorded in Error
        }
    }
}
