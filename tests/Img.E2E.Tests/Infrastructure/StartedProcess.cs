using System.Diagnostics;
using System.Text;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>A process left running, its output captured, to be signalled while it works.</summary>
public sealed class StartedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Task _pumps;

    private StartedProcess(Process process)
    {
        _process = process;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, _out), PumpAsync(process.StandardError, _err));
    }

    public int Id => _process.Id;

    public string Error
    {
        get
        {
            lock (_err) return _err.ToString();
        }
    }

    public static StartedProcess Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        process.StandardInput.Close();
        return new StartedProcess(process);
    }

    /// <summary>Waits until stderr contains <paramref name="text"/>.</summary>
    public async Task WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Error.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || deadline.Elapsed > timeout)
                Assert.Fail($"\"{text}\" never appeared on stderr (exited: {_process.HasExited})\n{Error}");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends a signal by name (INT, TERM) with kill(1).</summary>
    public async Task SignalAsync(string signal) =>
        (await ProcessRunner.ToolAsync("kill", "-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).AssertSuccess();

    /// <summary>Waits for the exit; the elapsed time tells how long the process took to stop.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"did not exit within {timeout.TotalSeconds} s\n{Error}");
        }
        await _pumps;
        lock (_out)
            return new ProcessResult(_process.StartInfo.FileName, _process.ExitCode, _out.ToString(), Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
                into.Append(buffer, 0, n);
        }
    }
}
