using System.Diagnostics;
using Img.Engine.Git;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// A real git server for tests: <c>git daemon</c> on a loopback port serving bare repositories
/// made in a temporary directory (never the internet). Repositories are filled by committing
/// files from a scratch work tree and pushing.
/// </summary>
public sealed class GitDaemon : IAsyncDisposable
{
    private readonly Process _daemon;

    private GitDaemon(string root, int port, Process daemon)
    {
        Root = root;
        Port = port;
        _daemon = daemon;
    }

    public string Root { get; }
    public int Port { get; }

    /// <summary><c>git://127.0.0.1:PORT/NAME.git</c>.</summary>
    public string Url(string name) => $"git://127.0.0.1:{Port}/{name}.git";

    public static async Task<GitDaemon> StartAsync()
    {
        if (!File.Exists("/usr/bin/git"))
            throw new InvalidOperationException("git tests need the git program: apt-get install git (scripts/install-deps.sh)");
        var root = Path.Combine(Path.GetTempPath(), "img-git-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var port = FreePort.Next();
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", $"--port={port}", $"--base-path={root}", root])
            start.ArgumentList.Add(a);
        var daemon = Process.Start(start)!;
        var server = new GitDaemon(root, port, daemon);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("git daemon did not start listening");
    }

    /// <summary>Commits <paramref name="files"/> on <paramref name="branch"/> of repository <paramref name="name"/> (created if new); returns the commit.</summary>
    public async Task<string> CommitAsync(string name, string branch, params (string Path, string Content)[] files)
    {
        var bare = Path.Combine(Root, name + ".git");
        if (!Directory.Exists(bare))
            await GitAsync(null, "init", "-q", "--bare", "--initial-branch=" + branch, bare);
        var work = Path.Combine(Root, "work-" + Guid.NewGuid().ToString("N")[..8]);
        await GitAsync(null, "clone", "-q", bare, work);
        await GitAsync(work, "checkout", "-q", "-B", branch);
        if (await HasBranchAsync(bare, branch))
            await GitAsync(work, "reset", "-q", "--hard", "origin/" + branch);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(work, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        await GitAsync(work, "add", "-A");
        await GitAsync(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "commit");
        await GitAsync(work, "push", "-q", "origin", branch);
        var commit = (await GitCommand.RunAsync(["rev-parse", "HEAD"], work, CancellationToken.None)).Trim();
        Directory.Delete(work, recursive: true);
        return commit;
    }

    /// <summary>An annotated tag on <paramref name="commit"/>.</summary>
    public async Task TagAsync(string name, string tag, string commit) =>
        await GitAsync(Path.Combine(Root, name + ".git"), "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "-m", "tag", tag, commit);

    private static async Task<bool> HasBranchAsync(string bare, string branch)
    {
        try
        {
            await GitCommand.RunAsync(["rev-parse", "--verify", "refs/heads/" + branch], bare, CancellationToken.None);
            return true;
        }
        catch (GitException)
        {
            return false;
        }
    }

    private static Task<string> GitAsync(string? dir, params string[] args) => GitCommand.RunAsync(args, dir, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        try { _daemon.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _daemon.WaitForExitAsync();
        _daemon.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
