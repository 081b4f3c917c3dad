using System.Diagnostics;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Nodes.Commands;
using Img.Node.Workers;

namespace Img.Bench.ClusterSim;

/// <summary>When each vertex ran, where, and how many times (written by the executors, read after the build).</summary>
internal sealed class Recorder(int vertices)
{
    public long[] Start { get; } = new long[vertices];
    public long[] End { get; } = new long[vertices];
    public int[] Node { get; } = Enumerable.Repeat(-1, vertices).ToArray();
    public int[] Runs { get; } = new int[vertices];
    /// <summary>Sum over vertices of (actual sleep - asked sleep), in Stopwatch ticks: the timer's lateness.</summary>
    public long Lateness;

    public void Record(int vertex, int node, long start, long end)
    {
        // a vertex runs once per build; a repeat (a lost answer asked again) is counted, the first run kept
        if (Interlocked.Increment(ref Runs[vertex]) > 1)
            return;
        Start[vertex] = start;
        End[vertex] = end;
        Node[vertex] = node;
    }
}

/// <summary>
/// A node's "engine": waits the vertex's simulated duration, scaled (<paramref name="scaleMs"/>
/// milliseconds of wall time per second of build time), and returns a result; the node worker
/// locates it on this node (<see cref="SimServices.Location"/>).
/// </summary>
internal sealed class SimExecutor(int node, Workload workload, double scaleMs, Recorder recorder) : IVertexExecutor
{
    public async ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken)
    {
        var vertex = workload.Index[job.Vertex.Metadata.Description];
        var start = Stopwatch.GetTimestamp();
        var ms = workload.Seconds[vertex] * scaleMs;
        if (ms >= 1)
            await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken).ConfigureAwait(false);
        else
        {
            // below the timer's resolution: spin for it (sub-millisecond steps are rare)
            var until = start + (long)(ms * Stopwatch.Frequency / 1000);
            while (Stopwatch.GetTimestamp() < until)
                Thread.SpinWait(20);
            await Task.Yield();
        }
        var end = Stopwatch.GetTimestamp();
        Interlocked.Add(ref recorder.Lateness, end - start - (long)(ms * Stopwatch.Frequency / 1000));
        recorder.Record(vertex, node, start, end);
        return new VertexResult(new CacheResult("snap-" + job.Key.Short));
    }
}

/// <summary>A node's services with nothing to fetch: inputs held elsewhere are taken as local (transfer is measured by run.sh, not here).</summary>
internal sealed class SimServices(string location) : INodeServices
{
    public Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, CancellationToken cancellationToken) => Task.FromResult(run.Inputs);

    public IBuildSession? SessionFor(RunVertex run) => null;

    public Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string> PushAsync(PushImage push, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<byte[]>> PublishCacheAsync(PublishCache request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public (long Blobs, long Snapshots) Usage => (0, 0);

    public string Location => location;
}
