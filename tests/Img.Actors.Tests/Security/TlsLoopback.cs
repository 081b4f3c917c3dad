using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Img.Actors.Tests.Security;

/// <summary>
/// One TLS connection over 127.0.0.1 between a server and a client built from the given
/// options, each side ending in a one-byte exchange: with TLS 1.3 a client learns that the
/// server refused its certificate only when it next reads.
/// </summary>
public static class TlsLoopback
{
    public sealed record Outcome(Exception? ServerError, Exception? ClientError, bool Exchanged, TimeSpan ClientHandshake);

    public static async Task<Outcome> ConnectAsync(SslServerAuthenticationOptions server, SslClientAuthenticationOptions client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var serverSide = Task.Run(async () =>
        {
            using var tcp = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsServerAsync(server, timeout.Token);
            await ssl.WriteAsync(new byte[] { 42 }, timeout.Token);
            var buffer = new byte[1];
            await ssl.ReadExactlyAsync(buffer, timeout.Token);
        });

        Exception? clientError = null;
        var exchanged = false;
        var handshake = TimeSpan.Zero;
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var ssl = new SslStream(tcp.GetStream());
            var clock = Stopwatch.StartNew();
            await ssl.AuthenticateAsClientAsync(client, timeout.Token);
            handshake = clock.Elapsed;
            var buffer = new byte[1];
            exchanged = await ssl.ReadAsync(buffer, timeout.Token) == 1 && buffer[0] == 42;
            await ssl.WriteAsync(new byte[] { 7 }, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            clientError = e;
        }

        Exception? serverError = null;
        try
        {
            await serverSide;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            serverError = e;
        }
        return new Outcome(serverError, clientError, exchanged && clientError is null, handshake);
    }
}
