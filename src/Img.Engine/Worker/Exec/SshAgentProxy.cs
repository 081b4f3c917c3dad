using System.Net.Sockets;
using Img.Engine.Native;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// A unix socket of the step's own that forwards every connection to the client's ssh agent
/// (BuildKit's ssh forwarding through the session, here in one process): the container is given
/// this socket, with the owner and mode its mount asks for, never the client's agent socket
/// itself, and it is gone when the step ends. Bytes are passed through as they are: the agent
/// protocol is the agent's business.
/// </summary>
internal sealed class SshAgentProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _agent;
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private SshAgentProxy(Socket listener, string agent, string directory, string path)
    {
        _listener = listener;
        _agent = agent;
        _directory = directory;
        Path = path;
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's socket on the host (bind it into the container).</summary>
    public string Path { get; }

    /// <summary>Listens in a new directory under <paramref name="scratch"/>.</summary>
    public static SshAgentProxy Start(string agentSocket, string scratch, uint uid, uint gid, uint mode)
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
        return new SshAgentProxy(listener, agentSocket, directory, path);
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                connections.Add(ForwardAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped with the step
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ForwardAsync(Socket client)
    {
        using (client)
        using (var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await agent.ConnectAsync(new UnixDomainSocketEndPoint(_agent), _stop.Token).ConfigureAwait(false);
                await using var fromClient = new NetworkStream(client, ownsSocket: false);
                await using var toAgent = new NetworkStream(agent, ownsSocket: false);
                // either side closing ends the connection (an agent request/answer exchange is done)
                await Task.WhenAny(PumpAsync(fromClient, toAgent, agent), PumpAsync(toAgent, fromClient, client)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // a step that stops mid-request, or an agent that went away: that connection only
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
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
