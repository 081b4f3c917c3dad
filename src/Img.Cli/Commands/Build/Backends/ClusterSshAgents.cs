using System.Collections.Concurrent;
using System.Net.Sockets;
using Img.Engine.Worker.Exec;
using Img.Messages.Client;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// The client's side of <c>RUN --mount=type=ssh</c> on a cluster (BuildKit's ssh forwarding over
/// the session): each connection a step opens on its node becomes one connection of this process
/// to the <c>--ssh</c> agent, opened on its first request and closed when the step closes it or
/// the build ends. Requests of one connection come one after the other (the agent protocol waits
/// for each answer), so a connection is never used by two requests at once.
/// </summary>
/// <param name="agents">The <c>--ssh</c> id to its agent socket here (a key file's agent included).</param>
internal sealed class ClusterSshAgents(IReadOnlyDictionary<string, string> agents) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<NetworkStream>>> _connections = new(StringComparer.Ordinal);

    public async Task<SshAgentReply> AnswerAsync(SshAgentRequest request, CancellationToken cancellationToken)
    {
        if (!agents.TryGetValue(request.Id, out var socket))
            return new SshAgentReply(request.RequestId, null, $"no SSH key \"{request.Id}\" forwarded from the client");
        var key = request.Id + "/" + request.Connection;
        if (request.Request is not { } frame)
        {
            if (_connections.TryRemove(key, out var closing) && closing.Value.IsCompletedSuccessfully)
                await closing.Value.Result.DisposeAsync();
            return new SshAgentReply(request.RequestId, [], "");
        }
        try
        {
            var stream = await _connections.GetOrAdd(key, _ => new Lazy<Task<NetworkStream>>(() => ConnectAsync(socket, cancellationToken))).Value;
            await stream.WriteAsync(frame, cancellationToken);
            var answer = await SshAgentFrames.ReadAsync(stream, cancellationToken)
                ?? throw new IOException("the agent closed the connection");
            return new SshAgentReply(request.RequestId, answer, "");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
        {
            if (_connections.TryRemove(key, out var broken) && broken.Value.IsCompletedSuccessfully)
                await broken.Value.Result.DisposeAsync();
            return new SshAgentReply(request.RequestId, null, $"ssh agent {socket}: {e.Message}");
        }
    }

    private static async Task<NetworkStream> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
                connection.Value.Result.Dispose();
        }
        _connections.Clear();
    }
}
