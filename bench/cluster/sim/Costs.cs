using System.Collections.Immutable;
using System.Diagnostics;
using Img.Coordinator.Scheduling;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;

namespace Img.Bench.ClusterSim;

/// <summary>
/// Where the time of a dispatch goes, without actors: the decision code of the scheduler
/// (<see cref="SchedulerState"/>, one instance per coordinator, on its actor's thread) and of a
/// build (<see cref="BuildState"/>, one per build, on its coordinator actor's thread) called
/// directly at the simulation's sizes, one thread, timed per call.
/// </summary>
internal static class Costs
{
    public sealed record SchedulerCosts(int Nodes, int Slots, double FillUs, double QueueUs, double ReleaseDispatchUs, double HeartbeatUs, double PublishUs);

    public sealed record BuildStateCosts(int Vertices, int Probes, int Completions, double ProbeUs, double CompleteUs, double TotalMs);

    private static readonly byte[] NoVertex = new byte[8];

    public sealed record GraphCosts(double EncodeMs, double DecodeMs, double KeysMs);

    /// <summary>What a build does before its first lookup: the graph encoded (CLI), decoded and keyed (BuildsActor / the build's coordinator).</summary>
    public static GraphCosts Graph(BuildGraph graph)
    {
        var clock = Stopwatch.StartNew();
        var bytes = Img.Messages.Graphs.BuildGraphCodec.Encode(graph);
        var encode = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var decoded = Img.Messages.Graphs.BuildGraphCodec.Decode(bytes);
        var decode = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        CacheKeyCalculator.ComputeAsync(decoded, new NoChecksums(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return new GraphCosts(encode, decode, clock.Elapsed.TotalMilliseconds);
    }

    private sealed class NoChecksums : IContentChecksumProvider
    {
        public ValueTask<Img.Engine.Content.Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no context");
    }

    /// <summary>
    /// <paramref name="nodes"/> nodes × <paramref name="slots"/>: every slot filled (average cost of a
    /// dispatch from empty to full), then <paramref name="queued"/> more requests wait, then
    /// release + dispatch of the next waiting one (the steady state of a busy cluster), and
    /// heartbeats while full (each node's once a second: every one runs the dispatch loop).
    /// Each request's one input is located on a random node, as a step's base is.
    /// </summary>
    /// <param name="builds">The waiting requests belong to this many builds (each build's queue is tried in turn on every message).</param>
    public static SchedulerCosts Scheduler(int nodes, int slots, int queued = 1000, int cycles = 2000, int seed = 1, int builds = 1)
    {
        var rng = new Random(seed);
        var state = new SchedulerState();
        var now = DateTimeOffset.UtcNow;
        string Name(int n) => $"node{n:D4}";
        NodeHeartbeat Beat(int n, int running) => new(Name(n), $"akka://img/user/node-worker-{n}", $"http://{Name(n)}", slots, running, 0, 0, false, 0, 0);
        for (var n = 0; n < nodes; n++)
            state.OnHeartbeat(Beat(n, 0), now);
        var next = 0;
        RunVertex Run() => new(new CacheKey($"k{next}"), NoVertex, [new CacheResult("snap", Location: Name(rng.Next(nodes)))], null, null, $"build-{next++ % builds}");
        var placed = new Queue<(string Node, CacheKey Key)>();
        void Note(IReadOnlyList<SchedulerDecision> decisions)
        {
            foreach (var d in decisions)
            {
                if (d is DispatchAction a)
                    placed.Enqueue((a.Node, a.Run.Key));
            }
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < nodes * slots; i++)
            Note(state.OnSchedule(Run()));
        var fill = clock.Elapsed.TotalMicroseconds / (nodes * slots);
        if (placed.Count != nodes * slots)
            throw new InvalidOperationException($"filled {placed.Count} of {nodes * slots} slots");

        clock.Restart();
        for (var i = 0; i < queued; i++)
            Note(state.OnSchedule(Run()));
        var queue = clock.Elapsed.TotalMicroseconds / queued;

        var releaseTicks = 0L;
        for (var i = 0; i < cycles; i++)
        {
            var (node, key) = placed.Dequeue();
            var t = Stopwatch.GetTimestamp();
            Note(state.OnSlotReleased(new SlotReleased(node, key)));
            releaseTicks += Stopwatch.GetTimestamp() - t;
            state.OnSchedule(Run()); // keeps the queue as long (nothing is free: no dispatch)
        }
        var release = releaseTicks * 1e6 / Stopwatch.Frequency / cycles;

        clock.Restart();
        for (var i = 0; i < cycles; i++)
            Note(state.OnHeartbeat(Beat(i % nodes, slots), now));
        var heartbeat = clock.Elapsed.TotalMicroseconds / cycles;

        // what SchedulerActor.Carry does after every message: the available nodes into the NodeDirectory
        clock.Restart();
        var sink = 0;
        for (var i = 0; i < cycles; i++)
        {
            var published = state.Nodes.Where(n => n.Available).Select(n => new NodeAddress(n.Name, n.Worker, n.BlobEndpoint))
                .ToImmutableDictionary(n => n.Node, StringComparer.Ordinal);
            sink += published.Count;
        }
        var publish = clock.Elapsed.TotalMicroseconds / cycles;
        GC.KeepAlive(sink);
        return new SchedulerCosts(nodes, slots, fill, queue, release, heartbeat, publish);
    }

    /// <summary>
    /// One cold build of <paramref name="graph"/> as <see cref="BuildState"/> sees it: every lookup
    /// misses, then every vertex completes as soon as it is asked to run (lookups answered first).
    /// </summary>
    public static BuildStateCosts Build(BuildGraph graph)
    {
        var state = new BuildState(graph);
        var probes = new Queue<OpDigest>();
        var runs = new Queue<OpDigest>();
        void Take(IReadOnlyList<SchedulerAction> actions)
        {
            foreach (var a in actions)
            {
                if (a is ProbeCacheAction p) probes.Enqueue(p.Vertex);
                else if (a is RunVertexAction r) runs.Enqueue(r.Vertex);
            }
        }
        var total = Stopwatch.StartNew();
        Take(state.Start());
        long probeTicks = 0, completeTicks = 0;
        int probed = 0, completed = 0;
        var result = new CacheResult("snap");
        while (!state.IsFinished && (probes.Count > 0 || runs.Count > 0))
        {
            var t = Stopwatch.GetTimestamp();
            if (probes.TryDequeue(out var p))
            {
                Take(state.OnProbed(p, null));
                probeTicks += Stopwatch.GetTimestamp() - t;
                probed++;
            }
            else
            {
                Take(state.OnCompleted(runs.Dequeue(), result));
                completeTicks += Stopwatch.GetTimestamp() - t;
                completed++;
            }
        }
        if (!state.Succeeded)
            throw new InvalidOperationException("the replayed build did not finish");
        double Us(long ticks, int n) => n == 0 ? 0 : ticks * 1e6 / Stopwatch.Frequency / n;
        return new BuildStateCosts(graph.Vertices.Count, probed, completed, Us(probeTicks, probed), Us(completeTicks, completed), total.Elapsed.TotalMilliseconds);
    }
}
