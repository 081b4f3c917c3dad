using System.Diagnostics;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The agents a build forwards, by <c>--ssh</c> id: an existing socket as it is, or a new
/// <c>ssh-agent</c> (OpenSSH, Debian <c>openssh-client</c>) on a private socket holding the key
/// files given, stopped when the build ends (buildx holds such keys in an agent of its own; the
/// program is the same agent protocol without a second implementation of key formats).
/// </summary>
internal sealed class SshKeyAgent : IDisposable
{
    private readonly List<Process> _agents = [];

    /// <summary>Id to agent socket.</summary>
    public Dictionary<string, string> Sockets { get; } = new(StringComparer.Ordinal);

    /// <exception cref="UserFacingException">No SSH_AUTH_SOCK for default, a path that is neither socket nor key, or ssh-agent/ssh-add failed.</exception>
    public static async Task<SshKeyAgent> StartAsync(IReadOnlyList<SshForwardSpec.Entry> entries, Func<string, string> resolvePath, string scratch, CancellationToken ct)
    {
        var agents = new SshKeyAgent();
        try
        {
            foreach (var entry in entries)
                agents.Sockets[entry.Id] = await agents.SocketForAsync(entry, resolvePath, scratch, ct);
            return agents;
        }
        catch
        {
            agents.Dispose();
            throw;
        }
    }

    private async Task<string> SocketForAsync(SshForwardSpec.Entry entry, Func<string, string> resolvePath, string scratch, CancellationToken ct)
    {
        if (entry.Paths.Count == 0)
        {
            var socket = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK");
            if (string.IsNullOrEmpty(socket))
                throw new UserFacingException("invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set");
            return socket;
        }
        var paths = entry.Paths.Select(resolvePath).ToArray();
        foreach (var path in paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new UserFacingException($"failed to stat {path}: no such file or directory (--ssh {entry.Id})");
        }
        if (paths.Length == 1 && IsSocket(paths[0]))
            return paths[0];

        Directory.CreateDirectory(scratch);
        var dir = Path.Join(scratch, "ssh-agent-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var agentSocket = Path.Join(dir, "agent.sock");
        var agent = Run("ssh-agent", ["-D", "-a", agentSocket], null);
        _agents.Add(agent);
        for (var i = 0; i < 200 && !File.Exists(agentSocket); i++)
        {
            if (agent.HasExited)
                throw new UserFacingException($"ssh-agent exited: {await agent.StandardError.ReadToEndAsync(ct)}");
            await Task.Delay(10, ct);
        }
        using var add = Run("ssh-add", ["-q", .. paths], agentSocket);
        var error = add.StandardError.ReadToEndAsync(ct);
        await add.WaitForExitAsync(ct);
        if (add.ExitCode != 0)
            throw new UserFacingException($"failed to load ssh key for --ssh {entry.Id}: {(await error).Trim()}");
        return agentSocket;
    }

    /// <summary>Whether something listens on <paramref name="path"/> (an agent), rather than it being a key file.</summary>
    private static bool IsSocket(string path)
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static Process Run(string program, IReadOnlyList<string> args, string? socket)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        if (socket is not null)
            start.Environment["SSH_AUTH_SOCK"] = socket;
        // a key with a passphrase would prompt: there is no one to answer
        start.Environment["SSH_ASKPASS_REQUIRE"] = "never";
        start.Environment.Remove("DISPLAY");
        try
        {
            return Process.Start(start) ?? throw new UserFacingException($"{program} could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UserFacingException($"--ssh with key files needs {program} (Debian: apt-get install openssh-client): {e.Message}", 1, e);
        }
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            try { agent.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            agent.WaitForExit(5000);
            agent.Dispose();
        }
        _agents.Clear();
    }
}
