using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// A private PostgreSQL server (Debian <c>postgresql</c>, 15 or later) for one test class: a
/// cluster made by <c>initdb</c> in a temp directory, served by <c>postgres</c> on its own port on
/// 127.0.0.1 with trust authentication on loopback (no password ever reaches a command line),
/// durability off (a test database need not survive a power cut). PostgreSQL refuses to run as
/// root, so when the tests run as root every server command runs as the <c>postgres</c> OS user
/// (the package creates it) through <c>setpriv</c>, which execs in place: the process the fixture
/// holds is the postmaster itself. <see cref="DisposeAsync"/> stops the server, then removes the
/// directory, each step attempted even when an earlier one failed, and reports every failure.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string InstallHint = "apt-get install -y postgresql (or run scripts/install-deps.sh)";
    public const string Superuser = "postgres";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _log = new();
    private readonly HashSet<string> _databases = new(StringComparer.Ordinal);
    private Process? _server;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-pg-{Guid.NewGuid():N}"[..15]);
    public string DataDirectory => Path.Combine(Root, "data");
    public string BinDirectory { get; private set; } = "";
    public int Port { get; private set; }

    /// <summary>What the server wrote on stdout and stderr so far (its log).</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public async Task InitializeAsync()
    {
        BinDirectory = FindBinDirectory();
        Directory.CreateDirectory(Root);
        try
        {
            if (RunsAsRoot)
                (await ProcessRunner.ToolAsync("chown", $"{Superuser}:{Superuser}", Root)).AssertSuccess();
            // --no-sync: a throwaway cluster need not be fsynced; -A trust: loopback only, see the server flags
            var initdb = await RunAsync("initdb", ["-D", DataDirectory, "-A", "trust", "-U", Superuser, "--no-sync", "-E", "UTF8", "--no-locale"]);
            if (initdb.ExitCode != 0)
                throw new InvalidOperationException($"initdb failed ({initdb.ExitCode}):\n{initdb.Out}\n{initdb.Error}");
            await StartServerAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A new, empty database for one test class, as the <c>--db</c> URL img takes
    /// (<c>postgres://postgres@127.0.0.1:PORT/NAME</c>).
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (_server is null)
            throw new InvalidOperationException("the PostgreSQL server is not running");
        var database = $"{name}_{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 60)].ToLowerInvariant();
        var result = await RunAsync("createdb", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, database]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"createdb {database} failed ({result.ExitCode}):\n{result.Error}\n--- server log ---\n{Log}");
        lock (_databases) _databases.Add(database);
        return $"postgres://{Superuser}@127.0.0.1:{Port}/{database}";
    }

    /// <summary>The result of one SQL statement through <c>psql</c> (unaligned, no headers), for checks on what img wrote.</summary>
    public async Task<string> QueryAsync(string databaseUrl, string sql)
    {
        var database = new Uri(databaseUrl).AbsolutePath.TrimStart('/');
        var result = await RunAsync("psql", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, "-d", database, "-At", "-c", sql]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"psql failed ({result.ExitCode}): {sql}\n{result.Error}");
        return result.Out.Trim();
    }

    public async Task DisposeAsync()
    {
        var errors = new List<Exception>();
        try
        {
            await StopServerAsync();
        }
        catch (Exception e)
        {
            errors.Add(new InvalidOperationException($"stopping the PostgreSQL server: {e.Message}\n--- server log ---\n{Log}", e));
        }
        try
        {
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new IOException($"removing {Root}: {e.Message}", e));
        }
        if (errors.Count > 0)
            throw new AggregateException("tearing down the PostgreSQL fixture failed", errors);
    }

    private async Task StartServerAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort.Next();
            var start = Start("postgres",
            [
                "-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture),
                // the socket in our own directory: /var/run/postgresql belongs to the system's clusters
                "-k", Root,
                "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                // coordinators each hold a pool; several coordinators and test runs share the server
                "-c", "max_connections=200",
            ]);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            var server = Process.Start(start) ?? throw new InvalidOperationException("cannot start postgres");
            server.OutputDataReceived += (_, e) => Append(e.Data);
            server.ErrorDataReceived += (_, e) => Append(e.Data);
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            _server = server;
            if (await WaitReadyAsync(server))
                return;
            // the port was taken between FreePort and the bind (another test run): try another
            await StopServerAsync();
            if (attempt >= 2 || !Log.Contains("could not bind", StringComparison.Ordinal))
                throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s:\n{Log}");
        }
    }

    private async Task<bool> WaitReadyAsync(Process server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (server.HasExited)
                return false;
            if (Log.Contains("database system is ready to accept connections", StringComparison.Ordinal) && await AcceptsAsync())
                return true;
            await Task.Delay(50);
        }
        return false;
    }

    private async Task<bool> AcceptsAsync()
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGINT is PostgreSQL's fast shutdown (sessions aborted, clean stop); SIGKILL if it does not stop in time.</summary>
    private async Task StopServerAsync()
    {
        var server = _server;
        _server = null;
        if (server is null)
            return;
        using (server)
        {
            if (!server.HasExited)
            {
                (await ProcessRunner.ToolAsync("kill", "-INT", server.Id.ToString(CultureInfo.InvariantCulture))).AssertSuccess();
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await server.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    server.Kill(entireProcessTree: true);
                    await server.WaitForExitAsync();
                    throw new TimeoutException($"postgres (pid {server.Id}) ignored SIGINT for {StopTimeout.TotalSeconds} s and was killed");
                }
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task<ProcessResult> RunAsync(string tool, string[] args) =>
        await ProcessRunner.RunAsync(Start(tool, args), null, TimeSpan.FromMinutes(1));

    /// <summary>A PostgreSQL program, run as the <c>postgres</c> user when this process is root.</summary>
    private ProcessStartInfo Start(string tool, IEnumerable<string> args)
    {
        var program = Path.Combine(BinDirectory, tool);
        var start = RunsAsRoot
            ? new ProcessStartInfo("setpriv") { ArgumentList = { $"--reuid={Superuser}", $"--regid={Superuser}", "--init-groups", "--", program } }
            : new ProcessStartInfo(program);
        foreach (var a in args) start.ArgumentList.Add(a);
        // the postgres user cannot enter a root-only working directory
        start.WorkingDirectory = Root;
        // no PGHOST/PGPASSWORD/... from the host may steer a command to another server
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["LC_ALL"] = "C";
        return start;
    }

    /// <summary>Whether the effective uid is 0 (the second field of <c>Uid:</c> in /proc/self/status).</summary>
    private static bool RunsAsRoot { get; } =
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2] == "0";

    /// <summary>The newest installed server's bin directory (<c>/usr/lib/postgresql/N/bin</c>), or a clear failure.</summary>
    private static string FindBinDirectory()
    {
        const string parent = "/usr/lib/postgresql";
        var found = Directory.Exists(parent)
            ? Directory.GetDirectories(parent)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => d.Version >= 15 && File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "postgres")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        if (found is null)
            throw new InvalidOperationException($"PostgreSQL 15 or later is not installed (no {parent}/N/bin/initdb): the cluster tests need a real server. Install it with: {InstallHint}");
        if (RunsAsRoot && !File.Exists("/usr/bin/setpriv"))
            throw new InvalidOperationException("/usr/bin/setpriv (util-linux) is missing: PostgreSQL must not run as root and the fixture runs it as the postgres user through setpriv");
        if (RunsAsRoot && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith(Superuser + ":", StringComparison.Ordinal)))
            throw new InvalidOperationException($"there is no {Superuser} OS user to run PostgreSQL as (tests run as root, which PostgreSQL refuses). Install the package that creates it: {InstallHint}");
        return found;
    }
}
