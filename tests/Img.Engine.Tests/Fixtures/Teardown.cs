using System.Diagnostics;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// Runs every cleanup step of a fixture even when earlier ones fail, then reports all failures
/// at once: one step that throws must not leave the processes and directories of the others
/// behind (a registry fixture once left three registries running because the token service's
/// listener threw first).
/// </summary>
public sealed class Teardown
{
    private readonly List<Exception> _errors = [];

    public void Run(string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            _errors.Add(new InvalidOperationException($"{what}: {e.Message}", e));
        }
    }

    public async Task RunAsync(string what, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e)
        {
            _errors.Add(new InvalidOperationException($"{what}: {e.Message}", e));
        }
    }

    /// <summary>Kills a process and all its children and waits until they are reaped.</summary>
    public Task KillAsync(string what, Process process) => RunAsync(what, async () =>
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited between the check and the kill
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    });

    /// <summary>Deletes a directory tree, retrying briefly (a just-killed process may still hold files).</summary>
    public Task DeleteDirectoryAsync(string path) => RunAsync($"delete {path}", async () =>
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 10)
            {
                await Task.Delay(100 * (attempt + 1));
            }
        }
    });

    /// <summary>Throws the failures collected so far, if any (call after the last step).</summary>
    public void ThrowIfFailed(string fixture)
    {
        if (_errors.Count == 1)
            throw new InvalidOperationException($"{fixture} cleanup failed: {_errors[0].Message}", _errors[0]);
        if (_errors.Count > 1)
            throw new AggregateException($"{fixture} cleanup failed {_errors.Count} times", _errors);
    }
}
