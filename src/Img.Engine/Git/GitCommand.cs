using System.Diagnostics;

namespace Img.Engine.Git;

/// <summary>
/// Runs the <c>git</c> program (no library: the user's git, its protocols and ssh setup). Never
/// prompts (<c>GIT_TERMINAL_PROMPT=0</c>): a remote that wants a password fails instead of hanging
/// the build. Output is in the C locale so it can be read.
/// </summary>
public static class GitCommand
{
    /// <summary>Runs git; returns its standard output.</summary>
    /// <exception cref="GitException">git is missing or exits non-zero (its stderr in the message).</exception>
    public static async Task<string> RunAsync(IReadOnlyList<string> args, string? workingDirectory, CancellationToken ct)
    {
        using var process = Start(args, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await WaitAsync(process, ct).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new GitException($"git {string.Join(' ', args.Where(a => !a.StartsWith('-')).Take(1))} failed: {error.Trim()}");
        return output;
    }

    /// <summary>Runs git and hands its standard output to <paramref name="read"/> as a stream (<c>git archive</c>).</summary>
    public static async Task StreamAsync(IReadOnlyList<string> args, string? workingDirectory, Func<Stream, Task> read, CancellationToken ct)
    {
        using var process = Start(args, workingDirectory);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await read(process.StandardOutput.BaseStream).ConfigureAwait(false);
        await WaitAsync(process, ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new GitException($"git {args[0]} failed: {(await stderr.ConfigureAwait(false)).Trim()}");
    }

    private static Process Start(IReadOnlyList<string> args, string? workingDirectory)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";
        try
        {
            return Process.Start(start) ?? throw new GitException("git could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GitException("git is needed for git sources but was not found on PATH (Debian: apt-get install git)", e);
        }
    }

    private static async Task WaitAsync(Process process, CancellationToken ct)
    {
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
    }
}
