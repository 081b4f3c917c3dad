using System.Collections.Concurrent;
using Img.Engine.Solver;

namespace Img.Actors.Tests.Fakes;

/// <summary>
/// An executor that "runs" a vertex by returning <c>snap-&lt;description&gt;</c>. Vertices can be
/// held until released (<see cref="Hold"/>), made to fail (<see cref="Fail"/>) or to write output
/// lines; it records the order of starts and the highest concurrency seen.
/// </summary>
internal sealed class FakeVertexExecutor : IVertexExecutor
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();
    private readonly ConcurrentDictionary<string, string> _failures = new();
    private readonly ConcurrentDictionary<string, string[]> _output = new();
    private int _current;
    private int _maxConcurrent;

    public ConcurrentQueue<string> Started { get; } = new();

    public int Calls => Started.Count;

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <summary>Jobs for <paramref name="description"/> wait until <see cref="Release"/>.</summary>
    public void Hold(string description) => _holds[description] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string description) => _holds[description].TrySetResult();

    public void Fail(string description, string error) => _failures[description] = error;

    public void Output(string description, params string[] lines) => _output[description] = lines;

    public static CacheResult ResultFor(string description) => new("snap-" + description);

    public async ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken)
    {
        var description = job.Vertex.Metadata.Description;
        Started.Enqueue(description);
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, seen) != seen)
        {
        }
        try
        {
            if (_output.TryGetValue(description, out var lines))
            {
                foreach (var line in lines)
                    job.Log.WriteLine(VertexLogStream.Stdout, line);
            }
            if (_holds.TryGetValue(description, out var hold))
                await hold.Task.WaitAsync(cancellationToken);
            else
                await Task.Yield();
            if (_failures.TryGetValue(description, out var error))
                throw new InvalidOperationException(error);
            return new VertexResult(ResultFor(description));
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}
