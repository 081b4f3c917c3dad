using Img.Engine.Graph;

namespace Img.Engine.Solver;

/// <summary>
/// The scheduling rules of one build, without I/O: which vertices to look up in the cache,
/// which to run, and when the build is over. The driver feeds in answers
/// (<see cref="OnProbed"/>, <see cref="OnCompleted"/>, <see cref="OnFailed"/>) and carries out
/// the <see cref="SchedulerAction"/>s each call returns.
/// <para>
/// Demand flows from the target (BuildKit's lazy solving): the target is looked up first, and a
/// cached vertex's inputs are never needed, so a fully cached build costs one lookup. A miss
/// makes the vertex's inputs needed and, to save round trips, looks up every vertex not yet
/// asked at once. A needed vertex that missed (or ignores the cache) runs as soon as all its
/// inputs are done, so independent vertices run concurrently. The first failure ends the build
/// and cancels what depends on the failed vertex. Vertices <c>--target</c> does not need were
/// pruned from the graph already.
/// </para>
/// <para>
/// Progress shows every vertex, as BuildKit's does: <see cref="ReportCachedAction"/> names, in
/// graph (topological) order and before anything that depends on them, each vertex whose result
/// came from the cache and each vertex that is settled without running because everything that
/// reads it came from the cache (it is never needed). A fully cached build thus reports the
/// whole graph as cached after its one lookup.
/// </para>
/// </summary>
public sealed class BuildState
{
    private readonly BuildGraph _graph;
    private readonly Dictionary<OpDigest, Entry> _entries;
    private bool _speculated;

    public BuildState(BuildGraph graph)
    {
        _graph = graph;
        _entries = graph.Vertices.ToDictionary(v => v.Digest, v => new Entry(v));
        foreach (var vertex in graph.Vertices)
        {
            foreach (var input in vertex.Inputs.Select(i => i.Digest).Distinct())
                _entries[input].Consumers.Add(_entries[vertex.Digest]);
        }
    }

    /// <summary>True once <see cref="BuildSucceededAction"/> or <see cref="BuildFailedAction"/> was returned.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>True when the build finished with the target done.</summary>
    public bool Succeeded { get; private set; }

    public VertexStatus StatusOf(OpDigest vertex) => _entries[vertex].Status;

    /// <summary>The vertex's result; null for a vertex not done, or settled by its dependents' cache hits (see <see cref="IsCovered"/>).</summary>
    public CacheResult? ResultOf(OpDigest vertex) => _entries[vertex].Result;

    /// <summary>
    /// Whether the vertex is <see cref="VertexStatus.Cached"/> without a result of its own: never
    /// needed, because every vertex reading it came from the cache.
    /// </summary>
    public bool IsCovered(OpDigest vertex) => _entries[vertex].Covered;

    /// <summary>Whether the build needs the vertex's result (the target, or an input of a needed vertex that missed).</summary>
    public bool IsNeeded(OpDigest vertex) => _entries[vertex].Needed;

    /// <summary>Vertices sent for execution and not yet answered.</summary>
    public IReadOnlyList<OpDigest> Running =>
        _graph.Vertices.Where(v => _entries[v.Digest].Status == VertexStatus.Running).Select(v => v.Digest).ToArray();

    /// <summary>The results of <paramref name="vertex"/>'s inputs, in input order; all must be done.</summary>
    public IReadOnlyList<CacheResult> InputResults(OpDigest vertex) =>
        _entries[vertex].Vertex.Inputs
            .Select(i => _entries[i.Digest].Result ?? throw new InvalidOperationException($"input {i.Digest} of {vertex} is not done"))
            .ToArray();

    /// <summary>Starts the build: the target is needed.</summary>
    public IReadOnlyList<SchedulerAction> Start()
    {
        _entries[_graph.Target.Digest].Needed = true;
        return Advance();
    }

    /// <summary>A cache lookup answered: <paramref name="hit"/> is the cached result, or null.</summary>
    public IReadOnlyList<SchedulerAction> OnProbed(OpDigest vertex, CacheResult? hit)
    {
        var entry = _entries[vertex];
        if (entry.Status != VertexStatus.Probing)
            return [];
        if (hit is null)
        {
            entry.Status = VertexStatus.Missed;
        }
        else
        {
            entry.Status = VertexStatus.Cached;
            entry.Result = hit;
        }
        return Advance();
    }

    /// <summary>
    /// A vertex sent to run is done; <paramref name="cached"/> when the result came from the cache
    /// after all (another build finished the same key first).
    /// </summary>
    public IReadOnlyList<SchedulerAction> OnCompleted(OpDigest vertex, CacheResult result, bool cached = false)
    {
        var entry = _entries[vertex];
        if (entry.Status is VertexStatus.Cached or VertexStatus.Completed or VertexStatus.Failed)
            return [];
        entry.Status = cached ? VertexStatus.Cached : VertexStatus.Completed;
        entry.Result = result;
        return Advance();
    }

    /// <summary>A vertex failed (to run, or to be looked up): the build fails with its error.</summary>
    public IReadOnlyList<SchedulerAction> OnFailed(OpDigest vertex, string error)
    {
        var entry = _entries[vertex];
        if (entry.Status is VertexStatus.Cached or VertexStatus.Completed or VertexStatus.Failed)
            return [];
        entry.Status = VertexStatus.Failed;
        if (IsFinished)
            return [];
        var cancelled = new List<OpDigest>();
        var failed = new HashSet<OpDigest> { vertex };
        foreach (var v in _graph.Vertices)
        {
            if (!v.Inputs.Any(i => failed.Contains(i.Digest)))
                continue;
            failed.Add(v.Digest);
            var dependent = _entries[v.Digest];
            if (dependent.Status is VertexStatus.Pending or VertexStatus.Probing or VertexStatus.Missed)
            {
                dependent.Status = VertexStatus.Cancelled;
                cancelled.Add(v.Digest);
            }
        }
        IsFinished = true;
        return [new BuildFailedAction(vertex, error, cancelled)];
    }

    /// <summary>
    /// A running vertex could not read some of its inputs: their results are gone from every node
    /// that held them. Those inputs run again (their producers' inputs are looked up again when
    /// they were only covered), then the vertex. An input lost more than
    /// <see cref="MaxLostRuns"/> times fails the build.
    /// </summary>
    public IReadOnlyList<SchedulerAction> OnInputsLost(OpDigest vertex, IReadOnlyCollection<OpDigest> lost)
    {
        var entry = _entries[vertex];
        if (entry.Status != VertexStatus.Running || IsFinished)
            return [];
        foreach (var input in lost)
        {
            var inputEntry = _entries[input];
            if (++inputEntry.LostRuns > MaxLostRuns)
                return OnFailed(vertex, $"the result of {inputEntry.Vertex.Metadata.Description} was lost {inputEntry.LostRuns} times (nodes holding it went away)");
        }
        entry.Status = VertexStatus.Missed;
        foreach (var input in lost)
        {
            var inputEntry = _entries[input];
            if (inputEntry.Status is not (VertexStatus.Cached or VertexStatus.Completed))
                continue;
            inputEntry.Status = VertexStatus.Missed;
            inputEntry.Result = null;
            inputEntry.Needed = true;
            foreach (var producer in inputEntry.Vertex.Inputs.Select(i => _entries[i.Digest]))
            {
                // settled by a cache hit downstream, never looked up: it has no result to give
                if (producer.Covered)
                {
                    producer.Covered = false;
                    producer.Status = VertexStatus.Pending;
                }
            }
        }
        return Advance();
    }

    /// <summary>How often an input may be lost before the build gives up on it.</summary>
    public const int MaxLostRuns = 3;

    private List<SchedulerAction> Advance()
    {
        var actions = new List<SchedulerAction>();
        if (IsFinished)
            return actions;
        // dependents come after their inputs: walking backwards, need flows from the target down
        for (var n = _graph.Vertices.Count - 1; n >= 0; n--)
        {
            var entry = _entries[_graph.Vertices[n].Digest];
            if (!entry.Needed)
                continue;
            if (entry.Status == VertexStatus.Pending)
            {
                if (entry.Vertex.Metadata.IgnoreCache)
                {
                    entry.Status = VertexStatus.Missed;
                }
                else
                {
                    entry.Status = VertexStatus.Probing;
                    actions.Add(new ProbeCacheAction(entry.Vertex.Digest));
                }
            }
            if (entry.Status != VertexStatus.Missed)
                continue;
            var ready = true;
            foreach (var input in entry.Vertex.Inputs)
            {
                var inputEntry = _entries[input.Digest];
                inputEntry.Needed = true;
                ready &= inputEntry.Status is VertexStatus.Cached or VertexStatus.Completed;
            }
            if (ready)
            {
                entry.Status = VertexStatus.Running;
                actions.Add(new RunVertexAction(entry.Vertex.Digest));
            }
        }
        var cachedReports = Settle();
        if (!_speculated && _entries.Values.Any(e => e.Status is VertexStatus.Missed or VertexStatus.Running))
        {
            // the target missed: most of the graph will be needed, ask the cache about all of it at once
            _speculated = true;
            foreach (var vertex in _graph.Vertices)
            {
                var entry = _entries[vertex.Digest];
                if (entry.Status == VertexStatus.Pending && !vertex.Metadata.IgnoreCache)
                {
                    entry.Status = VertexStatus.Probing;
                    actions.Add(new ProbeCacheAction(vertex.Digest));
                }
            }
        }
        var target = _entries[_graph.Target.Digest];
        if (target.Status is VertexStatus.Cached or VertexStatus.Completed)
        {
            IsFinished = true;
            Succeeded = true;
            actions.Add(new BuildSucceededAction(target.Result!));
        }
        actions.InsertRange(0, cachedReports);
        return actions;
    }

    /// <summary>
    /// Marks covered vertices (not needed, and every reader cached or covered: nothing will ever
    /// need them) cached, and reports every cached vertex not reported yet, inputs first.
    /// </summary>
    private List<SchedulerAction> Settle()
    {
        // readers come after their inputs: walking backwards, a vertex's readers are settled first
        for (var n = _graph.Vertices.Count - 1; n >= 0; n--)
        {
            var entry = _entries[_graph.Vertices[n].Digest];
            if (entry.Needed || entry.Covered || entry.Consumers.Count == 0
                || entry.Status is not (VertexStatus.Pending or VertexStatus.Probing or VertexStatus.Missed))
                continue;
            if (entry.Consumers.All(c => c.Status == VertexStatus.Cached))
            {
                entry.Status = VertexStatus.Cached;
                entry.Covered = true;
            }
        }
        var reports = new List<SchedulerAction>();
        foreach (var vertex in _graph.Vertices)
        {
            var entry = _entries[vertex.Digest];
            if (entry.Status == VertexStatus.Cached && !entry.Reported)
            {
                entry.Reported = true;
                reports.Add(new ReportCachedAction(vertex.Digest));
            }
        }
        return reports;
    }

    private sealed class Entry(BuildVertex vertex)
    {
        public BuildVertex Vertex { get; } = vertex;
        public VertexStatus Status { get; set; }
        public bool Needed { get; set; }
        public CacheResult? Result { get; set; }
        /// <summary>The vertices that read this one.</summary>
        public List<Entry> Consumers { get; } = [];
        /// <summary>Cached without a result: settled by its readers' cache hits.</summary>
        public bool Covered { get; set; }
        /// <summary>A <see cref="ReportCachedAction"/> was returned for it.</summary>
        public bool Reported { get; set; }
        /// <summary>Times its result was lost and it ran again.</summary>
        public int LostRuns { get; set; }
    }
}
