using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Bench.ClusterSim;

/// <summary>
/// A build graph with a simulated duration (in seconds of build time) per vertex, and the bounds
/// no scheduler can beat: the critical path (longest chain of durations) and the total work.
/// Vertices are identified by their description, which is unique.
/// </summary>
internal sealed class Workload
{
    private Workload(string name, BuildGraph graph, double[] seconds, string shape)
        : this(name, [graph], seconds, shape)
    {
    }

    /// <param name="graphs">Built at the same time, one build each; <paramref name="seconds"/> covers their vertices in order.</param>
    private Workload(string name, IReadOnlyList<BuildGraph> graphs, double[] seconds, string shape)
    {
        Name = name;
        Graphs = graphs;
        Seconds = seconds;
        Shape = shape;
        Index = new Dictionary<string, int>(StringComparer.Ordinal);
        var inputs = new List<int[]>();
        var offset = 0;
        foreach (var graph in graphs)
        {
            var byDigest = new Dictionary<OpDigest, int>();
            for (var i = 0; i < graph.Vertices.Count; i++)
            {
                Index.Add(graph.Vertices[i].Metadata.Description, offset + i);
                byDigest.Add(graph.Vertices[i].Digest, offset + i);
            }
            inputs.AddRange(graph.Vertices.Select(v => v.Inputs.Select(input => byDigest[input.Digest]).Distinct().ToArray()));
            offset += graph.Vertices.Count;
        }
        Inputs = inputs.ToArray();
        var finish = new double[seconds.Length];
        for (var i = 0; i < seconds.Length; i++)
            finish[i] = seconds[i] + (Inputs[i].Length == 0 ? 0 : Inputs[i].Max(j => finish[j]));
        CriticalPathSeconds = finish.Max();
        TotalWorkSeconds = seconds.Sum();
    }

    public string Name { get; }

    /// <summary>The graphs built at once (one build each); vertices in topological order (inputs first), as each graph lists them.</summary>
    public IReadOnlyList<BuildGraph> Graphs { get; }

    /// <summary>The first graph.</summary>
    public BuildGraph Graph => Graphs[0];

    /// <summary>Simulated build time of each vertex, by position in the graphs' <see cref="BuildGraph.Vertices"/>, one graph after the other.</summary>
    public double[] Seconds { get; }

    /// <summary>Positions of each vertex's inputs.</summary>
    public int[][] Inputs { get; }

    /// <summary>Position by description.</summary>
    public Dictionary<string, int> Index { get; }

    public string Shape { get; }

    public double CriticalPathSeconds { get; }

    public double TotalWorkSeconds { get; }

    public int Count => Seconds.Length;

    /// <summary>
    /// A monorepo: <paramref name="packages"/> packages of <paramref name="steps"/> steps each, in
    /// <paramref name="levels"/> dependency levels. A package's first step copies the outputs of
    /// 1 to 3 packages of lower levels (one of them from the level just below, so the levels chain)
    /// onto the shared base (a COPY --from), and the rest are RUNs, each on the previous one.
    /// Durations: the base pull 5 s, each first step 1 s, RUNs log-normal (median 3 s, sigma 1,
    /// so a mean near 5 s, a few over a minute, capped at 10 min); the final merge of every
    /// package 2 s and the export 3 s. Seeded: the same arguments give the same graph.
    /// </summary>
    public static Workload Monorepo(int packages, int steps, int levels, int seed)
    {
        var rng = new Random(seed);
        var b = new BuildGraphBuilder();
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        OpInput Add(BuildOp op, string description, double s)
        {
            seconds[description] = s;
            return b.Add(op, new OpMetadata(description));
        }
        var salt = seed.ToString("x8");
        var @base = Add(new SourceOp(SourceKind.Image, $"127.0.0.1:5000/library/busybox@sha256:{salt}{new string('0', 56)}"), "FROM busybox", 5);
        levels = Math.Clamp(levels, 1, packages);
        int LevelOf(int p) => (int)((long)p * levels / packages);
        var firstOfLevel = Enumerable.Range(0, levels).Select(l => Enumerable.Range(0, packages).First(p => LevelOf(p) == l)).ToArray();
        var last = new OpInput[packages];
        var depCount = 0;
        for (var p = 0; p < packages; p++)
        {
            var level = LevelOf(p);
            var deps = new SortedSet<int>();
            if (level > 0)
            {
                var below = firstOfLevel[level - 1];
                deps.Add(below + rng.Next(firstOfLevel[level] - below));
                var more = rng.Next(3);
                for (var k = 0; k < more; k++)
                    deps.Add(rng.Next(firstOfLevel[level]));
            }
            depCount += deps.Count;
            var actions = new List<FileAction> { new FileMkfileAction($"/src/p{p:D4}/BUILD", 0x1a4, $"package {p}") };
            actions.AddRange(deps.Select(d => (FileAction)new FileCopyAction(last[d], "/out", $"/deps/p{d:D4}/")));
            var prev = Add(new FileOp(@base, actions), $"p{p:D4}/s01 COPY --from deps", 1);
            for (var s = 2; s <= steps; s++)
            {
                var duration = Math.Clamp(3 * Math.Exp(Gaussian(rng)), 0.1, 600);
                prev = Add(new ExecOp(prev, ["/bin/sh", "-c", $"build p{p:D4} step {s}"], ["PATH=/bin"], $"/src/p{p:D4}", ""), $"p{p:D4}/s{s:D2} RUN", duration);
            }
            last[p] = prev;
        }
        var merge = Add(new MergeOp(last), "merge every package", 2);
        var export = Add(new ImageConfigOp(merge, new ImageConfig { Os = "linux", Architecture = "amd64" }), "export", 3);
        var graph = b.Build(export.Digest);
        var durations = graph.Vertices.Select(v => seconds[v.Metadata.Description]).ToArray();
        return new Workload("monorepo", graph, durations,
            $"{packages} packages x {steps} steps in {levels} levels ({depCount} package dependencies), seed {seed}");
    }

    /// <summary>
    /// Scheduler throughput: <paramref name="count"/> independent RUNs on one base, each
    /// <paramref name="seconds"/> long, merged by groups of 100 and the groups merged (no single
    /// merge of thousands of inputs: a vertex's inputs are recomputed on every access, with a
    /// quadratic de-duplication, so decoding a graph with one such merge is cubic in its fan-in).
    /// </summary>
    public static Workload Flat(int count, double seconds, int seed, int builds = 1)
    {
        if (builds > 1)
        {
            var parts = Enumerable.Range(0, builds).Select(k => FlatGraph(count / builds, seconds, seed * 1000 + k, $"b{k:D3}/")).ToList();
            return new Workload("flat", parts.Select(p => p.Graph).ToList(), parts.SelectMany(p => p.Seconds).ToArray(),
                $"{builds} builds at once, each {count / builds} independent RUNs of {seconds} s on one base, merged by 100s");
        }
        var one = FlatGraph(count, seconds, seed, "");
        return new Workload("flat", one.Graph, one.Seconds, $"{count} independent RUNs of {seconds} s on one base, merged by 100s");
    }

    private static (BuildGraph Graph, double[] Seconds) FlatGraph(int count, double seconds, int seed, string tag)
    {
        var b = new BuildGraphBuilder();
        var durations = new Dictionary<string, double>(StringComparer.Ordinal);
        OpInput Add(BuildOp op, string description, double s)
        {
            durations[description] = s;
            return b.Add(op, new OpMetadata(description));
        }
        var @base = Add(new SourceOp(SourceKind.Image, $"127.0.0.1:5000/library/busybox@sha256:{seed:x8}{new string('1', 56)}"), tag + "FROM busybox", 0);
        var groups = new List<OpInput>();
        for (var g = 0; g * 100 < count; g++)
        {
            var runs = new List<OpInput>();
            for (var i = g * 100; i < Math.Min(count, (g + 1) * 100); i++)
                runs.Add(Add(new ExecOp(@base, ["/bin/sh", "-c", $"{tag}task {i}"], ["PATH=/bin"], "/", ""), $"{tag}t{i:D5} RUN", seconds));
            groups.Add(Add(new MergeOp(runs), $"{tag}merge {g:D3}", 0));
        }
        var merge = groups.Count == 1 ? groups[0] : Add(new MergeOp(groups), tag + "merge", 0);
        var export = Add(new ImageConfigOp(merge, new ImageConfig { Os = "linux", Architecture = "amd64" }), tag + "export", 0);
        var graph = b.Build(export.Digest);
        return (graph, graph.Vertices.Select(v => durations[v.Metadata.Description]).ToArray());
    }

    /// <summary><paramref name="count"/> independent RUNs merged by ONE merge (a final stage copying from every package): for the fan-in costs.</summary>
    public static Workload FanIn(int count, int seed)
    {
        var b = new BuildGraphBuilder();
        var @base = b.Add(new SourceOp(SourceKind.Image, $"127.0.0.1:5000/library/busybox@sha256:{seed:x8}{new string('2', 56)}"), new OpMetadata("FROM busybox"));
        var runs = Enumerable.Range(0, count).Select(i => b.Add(new ExecOp(@base, ["/bin/sh", "-c", $"task {i}"], ["PATH=/bin"], "/", ""), new OpMetadata($"t{i:D5} RUN"))).ToList();
        var merge = b.Add(new MergeOp(runs), new OpMetadata("merge"));
        var export = b.Add(new ImageConfigOp(merge, new ImageConfig { Os = "linux", Architecture = "amd64" }), new OpMetadata("export"));
        var graph = b.Build(export.Digest);
        return new Workload($"fan-in {count}", graph, new double[graph.Vertices.Count], $"{count} RUNs, one merge of all");
    }

    private static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
