using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Img.Bench.ClusterSim;
using Img.Coordinator.Builds;
using Img.Coordinator.Hosting;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;
using Img.Messages.Hosting;
using Img.Messages.Scheduling.Queries;
using Img.Node.Workers;

// The cluster at internet scale, on paper: the real coordinator actors (BuildsActor, the build's
// coordinator, vertex entities with an in-memory journal, the scheduler) and N real node workers
// in one process, each worker with a simulated engine that sleeps a vertex's build time, scaled.
//
//   dotnet run -c Release --project bench/cluster/sim -- [--vertices 10000] [--steps 50] [--levels 10]
//       [--nodes 1000,100] [--slots 2] [--scale-ms 1] [--seed 42] [--workload monorepo|flat|both]
//       [--flat-seconds 60] [--builds 10] [--cpu-split] [--no-costs] [--costs-only] [--timeout-s 600]
//
// Workloads: monorepo (one build: packages of chained steps in dependency levels, the critical path
// matters) and flat (--builds builds at once, each of independent vertices: every slot busy, and
// each build small, so the scheduler's dispatch rate matters); both by default. --cpu-split puts the scheduler, the builds and the vertex entities on dedicated threads
// and reports their CPU time.
//
// Prints a markdown report (bench/cluster/run.sh puts it in the results file).
var opts = Options.Parse(args);
Console.WriteLine($"## Simulation (bench/cluster/sim)");
Console.WriteLine();
Console.WriteLine($"One process, real coordinator actors and node workers, simulated step durations at {opts.ScaleMs.ToString(CultureInfo.InvariantCulture)} ms of wall time per second of build time. " +
                  $"Machine: {Environment.ProcessorCount} cores, load average at start {File.ReadAllText("/proc/loadavg").Split(' ')[..3].Aggregate((a, b) => a + " " + b)}." +
                  (opts.CpuSplit ? " `--cpu-split`: the scheduler, the builds (and each build's coordinator) and the vertex region (and its entities) each run on a dedicated thread, so their CPU time is measured apart (this changes threading: compare wall times with a run without it)." : ""));
Console.WriteLine();

var workloads = new List<Workload>();
if (opts.Workload is "monorepo" or "both")
    workloads.Add(Workload.Monorepo(Math.Max(1, opts.Vertices / opts.Steps), opts.Steps, opts.Levels, opts.Seed));
if (opts.Workload is "flat" or "both")
    workloads.Add(Workload.Flat(opts.Vertices, opts.FlatSeconds, opts.Seed, opts.Builds));

var results = new List<RunResult>();
foreach (var workload in opts.CostsOnly ? [] : workloads)
{
    Console.Error.WriteLine($"workload {workload.Name}: {workload.Count} vertices, {workload.Shape}; critical path {workload.CriticalPathSeconds:F0} s, work {workload.TotalWorkSeconds:F0} s of build time");
    foreach (var nodes in opts.Nodes)
    {
        Console.Error.WriteLine($"  {nodes} nodes x {opts.Slots} slots ...");
        var r = await Simulation.RunAsync(workload, nodes, opts);
        results.Add(r);
        Console.Error.WriteLine($"  {nodes} nodes x {opts.Slots} slots: {r.WallMs / 1000:F2} s, {r.Ran} vertices run, {r.Ran / (r.WallMs / 1000):F0} dispatches/s, makespan {r.WallMs / r.CriticalPathMs:F2} x the critical path bound");
    }
}

foreach (var group in results.GroupBy(r => r.Workload))
{
    var w = group.Key;
    Console.WriteLine($"### {w.Name}: {w.Count} vertices ({w.Shape})");
    Console.WriteLine();
    Console.WriteLine($"Critical path {w.CriticalPathSeconds:F0} s, total work {w.TotalWorkSeconds:F0} s of build time " +
                      $"(= {w.CriticalPathSeconds * opts.ScaleMs / 1000:F3} s and {w.TotalWorkSeconds * opts.ScaleMs / 1000:F1} s of wall time at the scale).");
    Console.WriteLine();
    Console.WriteLine("| nodes × slots | wall s | vertices run | dispatches/s | critical-path bound s | work bound s | makespan / critical path | makespan / max(bounds) | makespan / critical path as slept | dispatch latency p50 / p90 / p99 / max ms | keys computed / first dispatch ms (first build) | utilisation | nodes used | peak running | CPU s (per vertex µs) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
    foreach (var r in group)
    {
        var bound = Math.Max(r.CriticalPathMs, r.WorkBoundMs);
        Console.WriteLine($"| {r.Nodes} × {r.Slots} | {(r.TimedOut ? "timeout " : "")}{r.WallMs / 1000:F2} | {r.Ran}{(r.Repeats > 0 ? $" ({r.Repeats} repeated)" : "")} | {r.Ran / (r.WallMs / 1000):F0} | {r.CriticalPathMs / 1000:F3} | {r.WorkBoundMs / 1000:F3} | {r.WallMs / r.CriticalPathMs:F2} | {r.WallMs / bound:F2} | {r.WallMs / r.ActualPathMs:F2} | " +
                          $"{r.LatencyMs[0]:F1} / {r.LatencyMs[1]:F1} / {r.LatencyMs[2]:F1} / {r.LatencyMs[3]:F1} | {r.KeysMs:F0} / {r.FirstDispatchMs:F0} | {r.Utilisation:P1} | {r.NodesUsed} | {r.PeakRunning} | {r.CpuMs / 1000:F1} ({r.CpuMs * 1000 / Math.Max(1, r.Ran):F0}) |");
    }
    Console.WriteLine();
    if (opts.CpuSplit)
    {
        Console.WriteLine("CPU by actor (dedicated threads), seconds and share of the wall time:");
        Console.WriteLine();
        Console.WriteLine("| nodes × slots | scheduler | builds + build coordinator | vertex region + entities | everything else (workers, timers, GC) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in group)
        {
            string Cell(string k) => $"{r.RoleCpuMs[k] / 1000:F2} ({r.RoleCpuMs[k] / r.WallMs:P0})";
            var rest = r.CpuMs - r.RoleCpuMs.Values.Sum();
            Console.WriteLine($"| {r.Nodes} × {r.Slots} | {Cell("sim-sched")} | {Cell("sim-build")} | {Cell("sim-vertex")} | {rest / 1000:F2} ({rest / r.WallMs:P0}) |");
        }
        Console.WriteLine();
    }
    Console.WriteLine();
}

if (results.Count > 0)
{
    Console.WriteLine("Critical path as slept: the longest chain of the step times the simulated engine actually slept (timer lateness included), so " +
                      "makespan / it is what the actors add along the chain (dispatch latencies and the final answer).");
    Console.WriteLine();
    Console.WriteLine("Dispatch latency: from the end of a vertex's last input (in the simulated engine) to its start on a node " +
                      "(the build's coordinator, the vertex entity, the scheduler, the worker; in flat, mostly the wait for a free slot); keys computed: build submitted to " +
                      $"BuildStarted (the build's cache keys); first dispatch: to the base's start (after the lookups of the target, the merge, the base and one step: all of a build's vertices are asked at once). Timer lateness (a sleep's overshoot, part of the makespan, not of the latency) averaged " +
                      string.Join(", ", results.Select(r => $"{r.LatenessMs:F2} ms ({r.Workload.Name}, {r.Nodes} nodes)")) + ".");
    Console.WriteLine();
}

if (!opts.NoCosts)
{
    Console.WriteLine("### Decision costs, without actors (one thread, per call)");
    Console.WriteLine();
    Console.WriteLine("`SchedulerState` (the scheduler actor's decisions) with every slot taken, 1,000 requests of one build waiting (then 200 of 20 builds), each with an input on a random node; and `BuildState` (the build coordinator's) replaying a cold build of the graph above.");
    Console.WriteLine();
    Console.WriteLine("| nodes × slots | dispatch, filling the slots µs | request that must wait µs | release + next dispatch µs | heartbeat (full) µs | NodeDirectory publish µs | dispatches/s at most (1 / release + dispatch + publish) | heartbeats alone, share of a core | with 20 builds waiting: request / release + dispatch / heartbeat µs | heartbeats alone, share of a core |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    foreach (var nodes in opts.Nodes.Append(10).Distinct().OrderBy(n => n))
    {
        Costs.Scheduler(Math.Min(nodes, 10), opts.Slots, 50, 50); // JIT
        var c = Costs.Scheduler(nodes, opts.Slots, cycles: nodes >= 1000 ? 300 : 2000);
        // only each build's first waiting request is tried: 10 per build are enough
        var m = Costs.Scheduler(nodes, opts.Slots, queued: 200, cycles: nodes >= 1000 ? 30 : 500, builds: 20);
        // every node beats once a second, and the actor publishes the directory after each message
        var beats = c.Nodes * (c.HeartbeatUs + c.PublishUs) / 1e6;
        var beats20 = m.Nodes * (m.HeartbeatUs + m.PublishUs) / 1e6;
        Console.WriteLine($"| {c.Nodes} × {c.Slots} | {c.FillUs:F1} | {c.QueueUs:F1} | {c.ReleaseDispatchUs:F1} | {c.HeartbeatUs:F1} | {c.PublishUs:F1} | {1e6 / (c.ReleaseDispatchUs + c.PublishUs):F0} | {beats:P0} | " +
                          $"{m.QueueUs:F0} / {m.ReleaseDispatchUs:F0} / {m.HeartbeatUs:F0} | {beats20:P0} |");
    }
    Console.WriteLine();
    Console.WriteLine("The fan-in rows: one merge of every RUN (graphs built by `BuildGraphBuilder.Build` and decoded by `BuildGraphCodec.Decode` " +
                      "walk a vertex's `Inputs`, which a MergeOp, FileOp or ExecOp recomputes with a quadratic de-duplication on every access).");
    Console.WriteLine();
    Console.WriteLine("| graph | vertices | encode ms | decode ms | cache keys ms | lookups answered | µs per lookup answer | completions | µs per completion | whole build ms (the build coordinator's CPU floor) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Costs.Build(Workload.Monorepo(4, 5, 2, 7).Graph); // JIT
    Costs.Graph(Workload.Monorepo(4, 5, 2, 7).Graph);
    var sizes = new[] { 1000, 2500, 5000 }.Where(v => v < opts.Vertices)
        .SelectMany(v => new[] { Workload.Monorepo(Math.Max(1, v / opts.Steps), opts.Steps, opts.Levels, opts.Seed), Workload.Flat(v, 1, opts.Seed) });
    foreach (var w in sizes.Concat(workloads).Concat(new[] { 250, 500, 1000 }.Select(n => Workload.FanIn(n, opts.Seed))))
    {
        var g = Costs.Graph(w.Graph);
        var c = Costs.Build(w.Graph);
        Console.WriteLine($"| {w.Name}{(w.Graphs.Count > 1 ? " (one build of them)" : "")} | {c.Vertices} | {g.EncodeMs:F0} | {g.DecodeMs:F0} | {g.KeysMs:F0} | {c.Probes} | {c.ProbeUs:F0} | {c.Completions} | {c.CompleteUs:F0} | {c.TotalMs:F0} |");
    }
    Console.WriteLine();
}
Console.WriteLine($"Load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[..3].Aggregate((a, b) => a + " " + b)}.");
return results.Any(r => r.TimedOut || r.Ran < r.Workload.Count) ? 1 : 0;

internal sealed record Options(int Vertices, int Steps, int Levels, int[] Nodes, int Slots, double ScaleMs, int Seed, string Workload, double FlatSeconds, bool CpuSplit, bool NoCosts, int TimeoutSeconds, bool CostsOnly = false, int Builds = 10)
{
    public static Options Parse(string[] args)
    {
        var o = new Options(10000, 50, 10, [1000, 100], 2, 1.0, 42, "both", 60, false, false, 600);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--vertices" => o with { Vertices = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--steps" => o with { Steps = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--levels" => o with { Levels = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--nodes" => o with { Nodes = Next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray() },
                "--slots" => o with { Slots = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--scale-ms" => o with { ScaleMs = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--workload" => o with { Workload = Next() is "monorepo" or "flat" or "both" ? args[i] : throw new ArgumentException("--workload monorepo|flat|both") },
                "--flat-seconds" => o with { FlatSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--cpu-split" => o with { CpuSplit = true },
                "--no-costs" => o with { NoCosts = true },
                "--costs-only" => o with { CostsOnly = true },
                "--builds" => o with { Builds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--timeout-s" => o with { TimeoutSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }
        return o;
    }
}

internal sealed record RunResult(Workload Workload, int Nodes, int Slots, double WallMs, bool TimedOut, int Ran, int Repeats, double CriticalPathMs, double WorkBoundMs,
    double[] LatencyMs, double FirstDispatchMs, double Utilisation, int NodesUsed, int PeakRunning, double CpuMs, double LatenessMs, Dictionary<string, double> RoleCpuMs, double ActualPathMs, double KeysMs);

internal static class Simulation
{
    private static readonly string[] Roles = ["sim-sched", "sim-build", "sim-vertex"];

    public static async Task<RunResult> RunAsync(Workload workload, int nodes, Options opts)
    {
        var hocon = """
            akka.loglevel = WARNING
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
            """;
        if (opts.CpuSplit)
        {
            hocon += "\n" + string.Join("\n", Roles.Select(r => $"{r} {{ type = ForkJoinDispatcher\n throughput = 100\n dedicated-thread-pool {{ thread-count = 1 }} }}")) + """

                akka.actor.deployment {
                  /scheduler { dispatcher = sim-sched }
                  /builds { dispatcher = sim-build }
                  "/builds/*" { dispatcher = sim-build }
                  /vertex { dispatcher = sim-vertex }
                  "/vertex/*" { dispatcher = sim-vertex }
                }
                """;
        }
        var config = ImgActorSystem.LoadConfig(ImgMode.Standalone, new ImgActorSystemOptions { ExtraHocon = hocon });
        var system = ActorSystem.Create("img", config);
        try
        {
            var runtime = CoordinatorRuntime.StartLocal(system, _ => new NoContext());

            // warm-up: a small graph through one node, so the JIT is not in the measured build
            var warm = Workload.Monorepo(3, 4, 2, opts.Seed + 1);
            await StartNodes(system, runtime, warm, 1, opts.Slots, 0.1, "warm", null);
            await Build(system, runtime, warm, TimeSpan.FromSeconds(60));

            var recorder = new Recorder(workload.Count);
            await StartNodes(system, runtime, workload, nodes, opts.Slots, opts.ScaleMs, "node", recorder);
            // the warm-up node leaves: only the simulated nodes take work
            system.ActorSelection("/user/warm-0").Tell(DrainNode.Instance);
            await WaitForNodes(runtime, nodes + 1);
            await Task.Delay(1500); // the warm-up node's drained heartbeat

            GC.Collect();
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var roles0 = opts.CpuSplit ? ThreadCpu.ByPrefix(Roles) : Roles.ToDictionary(r => r, _ => 0.0);
            var t0 = Stopwatch.GetTimestamp();
            var (outcome, timedOut) = await Build(system, runtime, workload, TimeSpan.FromSeconds(opts.TimeoutSeconds));
            var t1 = Stopwatch.GetTimestamp();
            process.Refresh();
            var cpuMs = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
            var roles1 = opts.CpuSplit ? ThreadCpu.ByPrefix(Roles) : roles0;
            if (outcome is BuildFailed failed)
                Console.Error.WriteLine($"  the build failed: {failed.Error}");
            return Analyse(workload, nodes, opts, recorder, t0, t1, timedOut, cpuMs, Roles.ToDictionary(r => r, r => roles1[r] - roles0[r]));
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task StartNodes(ActorSystem system, CoordinatorRuntime runtime, Workload workload, int nodes, int slots, double scaleMs, string prefix, Recorder? recorder)
    {
        recorder ??= new Recorder(workload.Count);
        for (var n = 0; n < nodes; n++)
        {
            var name = $"{prefix}-{n}";
            var executor = new SimExecutor(n, workload, scaleMs, recorder);
            system.ActorOf(NodeWorkerActor.Props(executor, new NodeWorkerSettings(name, slots, runtime.Vertices, [runtime.Scheduler], $"http://{name}"), new SimServices(name)), name);
        }
        await WaitForNodes(runtime, prefix == "warm" ? nodes : -1);
    }

    private static async Task WaitForNodes(CoordinatorRuntime runtime, int count)
    {
        if (count < 0)
            return;
        for (var i = 0; i < 600; i++)
        {
            var status = await runtime.Scheduler.Ask<ClusterStatusResult>(GetClusterStatus.Instance, TimeSpan.FromSeconds(60));
            if (status.Nodes.Count(n => n.Available) >= count)
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the scheduler did not see {count} nodes");
    }

    /// <summary>When the build reported <see cref="BuildStarted"/> (its cache keys computed), Stopwatch ticks.</summary>
    private static long _keysComputedAt;

    /// <summary>Builds every graph of <paramref name="workload"/> at once; the outcome is the first failure, else the last completion.</summary>
    private static async Task<(IBuildEvent? Outcome, bool TimedOut)> Build(ActorSystem system, CoordinatorRuntime runtime, Workload workload, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        _keysComputedAt = 0;
        var outcomes = await Task.WhenAll(workload.Graphs.Select(graph =>
        {
            var start = new StartBuild(BuildId.New(), BuildGraphCodec.Encode(graph), "sim");
            return BuildClient.RunAsync(system, runtime.Builds, start, e =>
            {
                if (e is BuildStarted)
                    Interlocked.CompareExchange(ref _keysComputedAt, Stopwatch.GetTimestamp(), 0);
            }, cancel.Token);
        }));
        var failed = outcomes.Where(o => o is BuildFailed).ToList();
        if (failed.Count > 1)
            Console.Error.WriteLine($"  {failed.Count} of {outcomes.Length} builds failed");
        return (failed.FirstOrDefault() ?? outcomes.LastOrDefault(), cancel.IsCancellationRequested);
    }

    private static RunResult Analyse(Workload w, int nodes, Options opts, Recorder rec, long t0, long t1, bool timedOut, double cpuMs, Dictionary<string, double> roleCpu)
    {
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var ran = rec.Runs.Count(r => r > 0);
        var repeats = rec.Runs.Sum(r => Math.Max(0, r - 1));
        var latencies = new List<double>();
        double first = double.NaN;
        for (var i = 0; i < w.Count; i++)
        {
            if (rec.Runs[i] == 0)
                continue;
            if (w.Inputs[i].Length == 0)
            {
                first = Ms(rec.Start[i] - t0);
                continue;
            }
            if (w.Inputs[i].Any(j => rec.Runs[j] == 0))
                continue;
            latencies.Add(Ms(rec.Start[i] - w.Inputs[i].Max(j => rec.End[j])));
        }
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        var wallMs = Ms(t1 - t0);
        var busy = 0.0;
        var events = new List<(long At, int Delta)>();
        for (var i = 0; i < w.Count; i++)
        {
            if (rec.Runs[i] == 0) continue;
            busy += Ms(rec.End[i] - rec.Start[i]);
            events.Add((rec.Start[i], 1));
            events.Add((rec.End[i], -1));
        }
        var peak = 0;
        var running = 0;
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Delta))
            peak = Math.Max(peak, running += e.Delta);
        return new RunResult(w, nodes, opts.Slots, wallMs, timedOut, ran, repeats,
            w.CriticalPathSeconds * opts.ScaleMs, w.TotalWorkSeconds * opts.ScaleMs / (nodes * opts.Slots),
            [P(0.5), P(0.9), P(0.99), latencies.Count == 0 ? double.NaN : latencies[^1]], first,
            busy / (wallMs * nodes * opts.Slots), rec.Node.Where(n => n >= 0).Distinct().Count(), peak, cpuMs,
            ran == 0 ? 0 : Ms(rec.Lateness) / ran, roleCpu, ActualPath(), _keysComputedAt == 0 ? double.NaN : Ms(_keysComputedAt - t0));

        // the critical path again, with the step times as the simulated engine slept them (timer lateness included)
        double ActualPath()
        {
            var finish = new double[w.Count];
            for (var i = 0; i < w.Count; i++)
                finish[i] = (rec.Runs[i] > 0 ? Ms(rec.End[i] - rec.Start[i]) : 0) + (w.Inputs[i].Length == 0 ? 0 : w.Inputs[i].Max(j => finish[j]));
            return finish.Max();
        }
    }

    /// <summary>The graphs read no build context.</summary>
    private sealed class NoContext : IContentChecksumProvider
    {
        public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the simulated graphs read no context");
    }
}
