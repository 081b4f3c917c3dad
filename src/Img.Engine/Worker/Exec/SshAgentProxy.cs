using System.Net.Sockets;
using Img.Engine.Native;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// A unix socket of the step's own that forwards every connection to the client's ssh agent
/// (BuildKit's ssh forwarding through the session, here in one process): the container is given
/// this socket, with the owner and mode its mount asks for, never the client's agent socket
/// itself, and it is gone when the step ends. Bytes are passed through as they are: the agent
/// protocol is the agent's business. A session without a host socket of the agent (a cluster
/// node's) gives an <see cref="ISshAgentRelay"/> instead: then each request frame the step sends
/// is relayed and its answer written back.
/// </summary>
internal sealed class SshAgentProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private SshAgentProxy(Socket listener, Func<Socket, CancellationToken, Task> serve, string directory, string path)
    {
        _listener = listener;
        _serve = serve;
        _directory = directory;
        Path = path;
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's socket on the host (bind it into the container).</summary>
    public string Path { get; }

    /// <summary>Listens in a new directory under <paramref name="scratch"/>, forwarding to the agent's host socket.</summary>
    public static SshAgentProxy Start(string agentSocket, string scratch, uint uid, uint gid, uint mode) =>
        Listen(scratch, uid, gid, mode, (client, ct) => ForwardAsync(client, agentSocket, ct));

    /// <summary>Listens in a new directory under <paramref name="scratch"/>, relaying every request through <paramref name="relay"/>.</summary>
    public static SshAgentProxy Start(ISshAgentRelay relay, string scratch, uint uid, uint gid, uint mode) =>
        Listen(scratch, uid, gid, mode, (client, ct) => RelayAsync(client, relay, ct));

    private static SshAgentProxy Listen(string scratch, uint uid, uint gid, uint mode, Func<Socket, CancellationToken, Task> serve)
    {
        var directory = System.IO.Path.Join(scratch, "ssh-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = System.IO.Path.Join(directory, "agent.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(16);
            Posix.Chmod(path, mode);
            Posix.Lchown(path, uid, gid);
        }
        catch
        {
            listener.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return new SshAgentProxy(listener, serve, directory, path);
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                connections.Add(_serve(client, _stop.Token));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped with the step
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private static async Task ForwardAsync(Socket client, string agentSocket, CancellationToken ct)
    {
        using (client)
        using (var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await agent.ConnectAsync(new UnixDomainSocketEndPoint(agentSocket), ct).ConfigureAwait(false);
                await using var fromClient = new NetworkStream(client, ownsSocket: false);
                await using var toAgent = new NetworkStream(agent, ownsSocket: false);
                // either side closing ends the connection (an agent request/answer exchange is done)
                await Task.WhenAny(PumpAsync(fromClient, toAgent, agent, ct), PumpAsync(toAgent, fromClient, client, ct)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // a step that stops mid-request, or an agent that went away: that connection only
            }
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, Socket toSocket, CancellationToken ct)
    {
        await from.CopyToAsync(to, ct).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    private static async Task RelayAsync(Socket client, ISshAgentRelay relay, CancellationToken ct)
    {
        var connection = Guid.NewGuid().ToString("N");
        using (client)
        {
            try
            {
                await using var stream = new NetworkStream(client, ownsSocket: false);
                while (await SshAgentFrames.ReadAsync(stream, ct).ConfigureAwait(false) is { } request)
                    await stream.WriteAsync(await relay.ExchangeAsync(connection, request, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or InvalidDataException or ObjectDisposedException)
            {
                // a step that stops mid-request, a malformed frame, or a client that cannot answer: that connection only
            }
            try
            {
                await relay.CloseAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // the client is gone: its agent connections went with it
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
