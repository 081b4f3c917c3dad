using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Img.Messages.Client;
using Img.Messages.Client.Framing;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// The coordinator's client endpoint: a TCP listener (TLS over it in a secured cluster) speaking
/// the framed client protocol. Every connection must open with a <see cref="ClientHello"/>
/// carrying the cluster secret (checked in constant time) within <see cref="HelloTimeout"/>, or
/// it is refused and closed before anything else is read; an accepted one gets a
/// <see cref="ClientConnectionActor"/>. Clients never join the Akka cluster.
/// </summary>
public sealed class ClientEndpoint : IAsyncDisposable
{
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly ActorSystem _system;
    private readonly EndpointServices _services;
    private readonly Func<Stream, CancellationToken, Task<Stream>>? _secure;
    private readonly Func<string, bool> _authorize;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    /// <param name="secure">Wraps an accepted stream in TLS (null: plain TCP, for an insecure loopback cluster).</param>
    /// <param name="authorize">Whether a hello's secret admits the client.</param>
    public ClientEndpoint(IPEndPoint listen, ActorSystem system, EndpointServices services, Func<Stream, CancellationToken, Task<Stream>>? secure, Func<string, bool> authorize)
    {
        _system = system;
        _services = services;
        _secure = secure;
        _authorize = authorize;
        _log = system.Log;
        _listener = new TcpListener(listen);
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The address it listens on (the port chosen when 0 was asked for).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            client.NoDelay = true;
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        Stream stream = client.GetStream();
        FramedConnection? connection = null;
        IActorRef? actor = null;
        var remote = client.Client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using (var hello = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                hello.CancelAfter(HelloTimeout);
                if (_secure is not null)
                    stream = await _secure(stream, hello.Token).ConfigureAwait(false);
                connection = new FramedConnection(stream);
                var first = await connection.ReceiveAsync(hello.Token).ConfigureAwait(false);
                if (Refusal(first) is { } reason)
                {
                    _log.Warning("client {0} refused: {1}", remote, reason);
                    connection.Send(new ClientRefused(reason));
                    await connection.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                    return;
                }
            }
            connection.Send(new ClientWelcome(_services.Coordinator, ClientProtocol.Version));
            var uploads = new ContextUploads(_services.Content);
            actor = _system.ActorOf(ClientConnectionActor.Props(connection, _services, uploads));
            while (await connection.ReceiveAsync(_stopping.Token).ConfigureAwait(false) is { } message)
            {
                if (message is ContextFileChunk chunk)
                    await uploads.OnChunkAsync(chunk, _stopping.Token).ConfigureAwait(false);
                else
                    actor.Tell(message);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            _log.Debug("client {0}: {1}", remote, e.Message);
        }
        finally
        {
            actor?.Tell(ConnectionClosed.Instance);
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
            else
                await stream.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
        }
    }

    private string? Refusal(Messages.IImgMessage? first) => first switch
    {
        ClientHello { Version: not ClientProtocol.Version } h => $"client protocol version {h.Version} is not supported (this coordinator speaks {ClientProtocol.Version})",
        ClientHello h when !_authorize(h.Secret) => "invalid cluster token",
        ClientHello => null,
        _ => "the first frame must be a hello",
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // stopping
        }
        _stopping.Dispose();
    }
}
