using System.Diagnostics;
using Img.Engine.Worker.Exec;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>The step's own agent socket: a real ssh-agent behind it, ssh-add through it, its owner and mode as asked, gone when disposed.</summary>
public sealed class SshAgentProxyTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "img-ssh-" + Guid.NewGuid().ToString("N")[..8]);
    private Process _agent = null!;
    private string _socket = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var key = Path.Combine(_dir, "key");
        await RunAsync("ssh-keygen", null, "-q", "-t", "ed25519", "-N", "", "-C", "proxied-key", "-f", key);
        _socket = Path.Combine(_dir, "agent.sock");
        _agent = Process.Start(new ProcessStartInfo("ssh-agent", ["-D", "-a", _socket]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("ssh-agent (openssh-client) is needed");
        for (var i = 0; i < 200 && !File.Exists(_socket); i++)
            await Task.Delay(10);
        await RunAsync("ssh-add", _socket, key);
    }

    public async Task DisposeAsync()
    {
        _agent.Kill();
        await _agent.WaitForExitAsync();
        _agent.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Ssh_add_lists_the_agents_key_through_the_proxy_socket()
    {
        var proxy = SshAgentProxy.Start(_socket, Path.Combine(_dir, "scratch"), 0, 0, 0x1B6 /* 0666 */);
        Assert.NotEqual(_socket, proxy.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
            File.GetUnixFileMode(proxy.Path));
        Assert.Contains("proxied-key", await RunAsync("ssh-add", proxy.Path, "-l"));
        Assert.Contains("proxied-key", await RunAsync("ssh-add", proxy.Path, "-l"));

        await proxy.DisposeAsync();
        Assert.False(File.Exists(proxy.Path));
    }

    [Fact]
    public async Task Through_a_relay_each_request_frame_gets_its_answer_and_each_connection_is_closed_once()
    {
        var relay = new AgentSocketRelay(_socket);
        var proxy = SshAgentProxy.Start(relay, Path.Combine(_dir, "scratch"), 0, 0, 0x180);

        Assert.Contains("proxied-key", await RunAsync("ssh-add", proxy.Path, "-l"));
        // a signature: several requests on one connection (identities, then the sign request)
        var data = Path.Combine(_dir, "data.txt");
        await File.WriteAllTextAsync(data, "signed through the relay\n");
        await RunAsync("ssh-keygen", proxy.Path, "-Y", "sign", "-n", "file", "-f", Path.Combine(_dir, "key.pub"), data);
        Assert.True(File.Exists(data + ".sig"));
        await proxy.DisposeAsync();

        Assert.True(relay.Requests >= 3, $"{relay.Requests} requests relayed");
        Assert.True(relay.Opened.Count >= 2, $"{relay.Opened.Count} agent connections");
        Assert.Equal(relay.Opened.Order(), relay.Closed.Order());
    }

    [Fact]
    public async Task A_relay_that_cannot_answer_fails_that_connection_only()
    {
        var relay = new AgentSocketRelay(_socket) { Failing = true };
        var proxy = SshAgentProxy.Start(relay, Path.Combine(_dir, "scratch"), 0, 0, 0x180);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync("ssh-add", proxy.Path, "-l"));
        relay.Failing = false;
        Assert.Contains("proxied-key", await RunAsync("ssh-add", proxy.Path, "-l"));
        await proxy.DisposeAsync();
    }

    /// <summary>What a cluster client does with relayed frames: one agent connection per step connection.</summary>
    private sealed class AgentSocketRelay(string socket) : Img.Engine.Solver.ISshAgentRelay
    {
        private readonly Dictionary<string, System.Net.Sockets.NetworkStream> _connections = new();
        private int _requests;

        public List<string> Opened { get; } = [];
        public List<string> Closed { get; } = [];
        public int Requests => _requests;
        public bool Failing { get; set; }

        public async Task<byte[]> ExchangeAsync(string connection, byte[] request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (Failing)
                throw new IOException("the client went away");
            System.Net.Sockets.NetworkStream? stream;
            lock (_connections)
                _connections.TryGetValue(connection, out stream);
            if (stream is null)
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket), cancellationToken);
                stream = new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
                lock (_connections)
                {
                    _connections[connection] = stream;
                    Opened.Add(connection);
                }
            }
            await stream.WriteAsync(request, cancellationToken);
            return await SshAgentFrames.ReadAsync(stream, cancellationToken) ?? throw new IOException("the agent closed the connection");
        }

        public Task CloseAsync(string connection, CancellationToken cancellationToken)
        {
            lock (_connections)
            {
                if (_connections.Remove(connection, out var stream))
                {
                    stream.Dispose();
                    Closed.Add(connection);
                }
            }
            return Task.CompletedTask;
        }
    }

    private static async Task<string> RunAsync(string program, string? socket, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        if (socket is not null)
            start.Environment["SSH_AUTH_SOCK"] = socket;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed: {error}");
        return output;
    }
}
