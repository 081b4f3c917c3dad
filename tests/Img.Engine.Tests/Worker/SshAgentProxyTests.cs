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
