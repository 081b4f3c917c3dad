using System.Diagnostics;
using System.Text;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>What a finished process printed, and how it ended.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Out, string Error)
{
    public ProcessResult AssertSuccess()
    {
        if (ExitCode != 0)
            Assert.Fail($"`{Command}` exited {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}");
        return this;
    }

    public ProcessResult AssertFailure()
    {
        if (ExitCode == 0)
            Assert.Fail($"`{Command}` succeeded but should have failed\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}");
        return this;
    }

    public override string ToString() => $"`{Command}` -> {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs a real process with its output captured, optional stdin, and a timeout (then the tree is killed).</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo start, byte[]? stdin, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var command = start.FileName + " " + string.Join(' ', start.ArgumentList);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outDone = PumpAsync(process.StandardOutput, stdout);
        var errDone = PumpAsync(process.StandardError, stderr);
        try
        {
            if (stdin is not null)
                await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the process did not read its stdin
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await Task.WhenAll(outDone, errDone);
            Assert.Fail($"`{command}` timed out after {timeout.TotalSeconds} s\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }
        await Task.WhenAll(outDone, errDone);
        return new ProcessResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
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

    /// <summary>Runs a tool from PATH (skopeo, find, ...).</summary>
    public static Task<ProcessResult> ToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        return RunAsync(start, null, TimeSpan.FromMinutes(1));
    }
}
