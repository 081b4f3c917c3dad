namespace Img.Engine.Transfer;

/// <summary>
/// One run of an operation per key at a time, shared by everyone who asks meanwhile (two builds
/// needing the same result download it once). The run is cancelled only when every caller waiting
/// for it has given up; a caller who gives up alone just stops waiting. A finished run is
/// forgotten: its outcome, success or failure, is not cached here. The last caller to give up
/// returns once the cancelled run has ended.
/// </summary>
internal sealed class SharedOperations<TKey, TResult> where TKey : notnull
{
    private readonly Dictionary<TKey, Run> _runs = new();

    public async Task<TResult> RunAsync(TKey key, Func<CancellationToken, Task<TResult>> operation, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Run run;
        lock (_runs)
        {
            if (!_runs.TryGetValue(key, out run!))
            {
                run = new Run();
                // Started on the pool so that nothing of the operation runs under this lock.
                run.Task = Task.Run(() => operation(run.Cancellation.Token), CancellationToken.None);
                _runs[key] = run;
                var started = run;
                run.Task.ContinueWith(_ => Forget(key, started), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            run.Waiters++;
        }
        try
        {
            return await run.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            var abandoned = false;
            lock (_runs)
            {
                if (--run.Waiters == 0 && !run.Task.IsCompleted)
                {
                    // Everyone gave up: stop the work, and let the next caller start afresh.
                    abandoned = true;
                    Forget(key, run);
                }
            }
            if (abandoned)
            {
                run.Cancellation.Cancel(); // outside the lock: cancellation callbacks run here
                // The last caller returns only once the work has stopped and cleaned up after itself
                // (temp files, active snapshots), so a retry never meets the remains of this run.
                await run.Task.ContinueWith(static _ => { }, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }

    // The token sources are not disposed: they own no timer or wait handle, and a late Cancel must not meet a disposed one.
    private void Forget(TKey key, Run run)
    {
        lock (_runs)
        {
            if (_runs.TryGetValue(key, out var current) && current == run)
                _runs.Remove(key);
        }
    }

    private sealed class Run
    {
        public CancellationTokenSource Cancellation { get; } = new();
        public Task<TResult> Task { get; set; } = null!;
        public int Waiters { get; set; }
    }
}
