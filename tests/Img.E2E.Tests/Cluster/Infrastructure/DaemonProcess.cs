using System.Diagnostics;
using System.Globalization;
using System.Text;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// One <c>img coordinator</c> or <c>img node</c> process of the published binary, on its own state
/// directory, with everything it prints kept (stdout and stderr interleaved, every incarnation,
/// for failure messages). It can be killed (SIGKILL, with every process below it: a machine that
/// dies takes its containers along), terminated (SIGTERM, the daemon's own shutdown) and started
/// again with the same arguments, state directory and ports.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly ImgFixture _fixture;
    private readonly IReadOnlyList<string> _args;
    private readonly string? _hocon;
    private readonly StringBuilder _log = new();
    private Process? _process;
    private int _incarnationStart;
    private int _incarnations;

    public DaemonProcess(ImgFixture fixture, string name, string role, string state, IReadOnlyList<string> args, string? hocon = null)
    {
        _hocon = hocon;
        _fixture = fixture;
        Name = name;
        Role = role;
        State = state;
        _args = args;
    }

    public string Name { get; }

    /// <summary><c>coordinator</c> or <c>node</c>.</summary>
    public string Role { get; }

    public string State { get; }

    /// <summary>A coordinator's client port (0 for a node).</summary>
    public int ClientPort { get; init; }

    public bool IsRunning => _process is { HasExited: false };

    public int Pid => _process?.Id ?? throw new InvalidOperationException($"{Role} {Name} was never started");

    /// <summary>The command line, for messages.</summary>
    public string CommandLine => $"img --state {State} {string.Join(' ', _args)}";

    /// <summary>Everything every incarnation printed.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>What the current incarnation printed.</summary>
    public string CurrentLog
    {
        get
        {
            lock (_log) return _log.ToString(_incarnationStart, _log.Length - _incarnationStart);
        }
    }

    /// <summary>Starts the process (again, after <see cref="KillAsync"/> or <see cref="TerminateAsync"/>).</summary>
    public void Start()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Role} {Name} is already running");
        _process?.Dispose();
        var start = new ProcessStartInfo(_fixture.Binary)
        {
            WorkingDirectory = State,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--state");
        start.ArgumentList.Add(State);
        foreach (var a in _args) start.ArgumentList.Add(a);
        // the daemons see only what the test gives them: no state, cluster or logins of the host
        foreach (var variable in new[] { "IMG_STATE", "IMG_CLUSTER", "IMG_CLUSTER_TOKEN", "IMG_CLUSTER_HOCON" })
            start.Environment.Remove(variable);
        start.Environment["DOCKER_CONFIG"] = Path.Combine(State, "docker-config");
        if (_hocon is not null)
            start.Environment["IMG_CLUSTER_HOCON"] = _hocon;
        lock (_log)
        {
            _incarnations++;
            if (_incarnations > 1)
                _log.AppendLine(CultureInfo.InvariantCulture, $"--- {Role} {Name} started again ---");
            _incarnationStart = _log.Length;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {CommandLine}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Waits until the current incarnation printed <paramref name="text"/>; fails if it exits first or the time runs out.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!CurrentLog.Contains(text, StringComparison.Ordinal))
        {
            if (_process is null || _process.HasExited)
                throw new DaemonException($"{Role} {Name} exited ({ExitText()}) before printing \"{text}\"", this);
            if (clock.Elapsed > timeout)
                throw new DaemonException($"{Role} {Name} did not print \"{text}\" within {timeout.TotalSeconds:0} s", this);
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL to the daemon and every process it started (runc, containers): a machine that dies.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Role} {Name} was never started");
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        await WaitExitAsync(process, TimeSpan.FromSeconds(15));
        Append($"--- {Role} {Name} killed (SIGKILL) by the test ---");
    }

    /// <summary>SIGTERM to the daemon alone (it stops its own children), then waits for it to exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"{Role} {Name} was never started");
        if (!process.HasExited)
        {
            Append($"--- {Role} {Name} sent SIGTERM by the test ---");
            Signal("TERM");
        }
        await WaitExitAsync(process, timeout);
        return process.ExitCode;
    }

    /// <summary>Sends a signal (TERM, INT, ...) to the daemon process alone, without waiting.</summary>
    public void Signal(string signal)
    {
        var process = _process ?? throw new InvalidOperationException($"{Role} {Name} was never started");
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits until the process exited by itself (after a signal); fails with the log when it does not.</summary>
    public Task WaitForExitAsync(TimeSpan timeout) =>
        WaitExitAsync(_process ?? throw new InvalidOperationException($"{Role} {Name} was never started"), timeout);

    private async Task WaitExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new DaemonException($"{Role} {Name} did not exit within {timeout.TotalSeconds:0} s (killed now)", this);
        }
        // the output pumps end with the pipes; WaitForExit() without a timeout waits for them
        process.WaitForExit();
    }

    private string ExitText() => _process is { HasExited: true } p ? $"exit code {p.ExitCode}" : "not started";

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>Kills (SIGKILL, whole tree) and reaps the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        var process = _process;
        if (process is null)
            return;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await process.WaitForExitAsync(cts.Token);
            }
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    public override string ToString() => $"{Role} {Name}";
}
