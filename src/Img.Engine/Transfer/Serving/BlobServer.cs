using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Img.Engine.Content;

namespace Img.Engine.Transfer.Serving;

/// <summary>
/// Serves a member's content store, read-only, in the shape of the OCI distribution API's blob
/// endpoints, so that other members fetch blobs with the same <see cref="Registry.RegistryClient"/>
/// they use for registries: <c>GET /v2/</c> (ping), <c>HEAD</c> and <c>GET /v2/&lt;any name&gt;/blobs/&lt;digest&gt;</c>
/// with <c>Content-Length</c>, <c>Docker-Content-Digest</c> and <c>application/octet-stream</c>;
/// 404 with a distribution error body for blobs not held, 405 for other methods, 400 for
/// malformed requests. HTTP/1.1 with keep-alive, over plain TCP or TLS
/// (<see cref="BlobServerOptions.Tls"/>, mutual TLS for cluster members), each request checked by
/// <see cref="BlobServerOptions.Authorize"/>.
/// <para>Lifecycle: construct, <see cref="Start"/> (binds; <see cref="EndPoint"/> is then known),
/// <see cref="DisposeAsync"/> (stops accepting, closes every connection, waits for them).</para>
/// </summary>
public sealed class BlobServer : IAsyncDisposable
{
    private readonly IContentProvider _blobs;
    private readonly IContentManager _index;
    private readonly BlobServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<BlobConnection, Task> _connections = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _disposed;

    /// <param name="blobs">What is served.</param>
    /// <param name="index">Sizes of the blobs (a HEAD, and the descriptor a GET opens the blob with).</param>
    public BlobServer(IContentProvider blobs, IContentManager index, BlobServerOptions? options = null)
    {
        _blobs = blobs;
        _index = index;
        _options = options ?? new BlobServerOptions();
        if (_options.BufferSize < 4096)
            throw new ArgumentException("BufferSize must be at least 4096 bytes", nameof(options));
        if (_options.MaxRequestHeadBytes < 1024)
            throw new ArgumentException("MaxRequestHeadBytes must be at least 1024 bytes", nameof(options));
    }

    /// <summary>Serves a whole content store.</summary>
    public BlobServer(IContentStore store, BlobServerOptions? options = null)
        : this(store, store, options)
    {
    }

    /// <summary>The address and port listened on (the chosen port when <see cref="BlobServerOptions.Bind"/> asked for 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint?)_listener?.LocalEndpoint ?? throw new InvalidOperationException("the blob server is not started");

    /// <summary><c>http(s)://address:port/</c>: what a holder's location is for <c>PeerBlobSource</c>.</summary>
    public Uri BaseUri => new($"{(_options.Tls is null ? "http" : "https")}://{EndPoint}/");

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds and starts accepting connections.</summary>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_listener is not null)
            throw new InvalidOperationException("the blob server is already started");
        var listener = new TcpListener(_options.Bind);
        listener.Start(backlog: 512);
        _listener = listener;
        _accepting = AcceptAsync(listener, _stopping.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection reset before it was accepted
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                socket.Dispose();
                continue;
            }
            var connection = new BlobConnection(socket, _blobs, _index, _options);
            // Registered before it runs, so a concurrent DisposeAsync sees it and aborts it.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = RunAsync(connection, start.Task, stopping);
            start.SetResult();
        }
    }

    private async Task RunAsync(BlobConnection connection, Task start, CancellationToken stopping)
    {
        await start.ConfigureAwait(false);
        try
        {
            await connection.RunAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    /// <summary>Stops accepting, closes every connection (downloads in progress are cut), and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        foreach (var connection in _connections.Keys)
            connection.Abort();
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
