using System.Collections.Concurrent;
using Img.Engine.Solver;

namespace Img.Node.Hosting;

/// <summary>
/// Keeps track of the vertex executions in flight so the engine can stop them and wait for
/// their cleanup (runc containers killed, mounts undone, scratch snapshots removed) before the
/// process exits: a cancelled build, or a failed one whose other stages still run, must not
/// leave them behind. Stopping the actors only cancels the executions; nothing waits for them.
/// </summary>
public sealed class DrainingVertexExecutor(IVertexExecutor inner) : IVertexExecutor, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public async ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var execution = inner.ExecuteAsync(job, linked.Token).AsTask();
        _running.TryAdd(execution, 0);
        try
        {
            return await execution.ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(execution, out _);
        }
    }

    /// <summary>Cancels every execution still running and waits for them to end, at most <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        var deadline = Task.Delay(timeout);
        while (!_running.IsEmpty)
        {
            var all = Task.WhenAll(_running.Keys);
            if (await Task.WhenAny(all, deadline).ConfigureAwait(false) == deadline)
                return;
            try
            {
                await all.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // How they ended was reported to the build; here only their end matters.
            }
        }
    }

    public void Dispose() => _stop.Dispose();
}
