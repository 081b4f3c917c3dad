using System.Diagnostics;
using Akka.Actor;
using Img.Engine.Graph;
using Img.Engine.Platforms;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Sessions;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Coordinator.Builds;

/// <summary>
/// Owns one build: computes the cache keys (<see cref="CacheKeyCalculator"/>), then carries out
/// what <see cref="BuildState"/> decides, asking vertex entities (<c>vertices</c>: the shard
/// region or the local region) to look up and solve, and reports progress to the requester:
/// <see cref="BuildStarted"/>, per vertex <see cref="VertexStarted"/> / <see cref="VertexCached"/> /
/// <see cref="VertexCompleted"/> / <see cref="VertexFailed"/> and <see cref="VertexLog"/> lines,
/// (every vertex of the graph is reported: the ones that did not run as cached, as the state
/// decides), and last <see cref="BuildCompleted"/> or <see cref="BuildFailed"/>. Stops itself when done.
/// <para>
/// Every question to a vertex entity crosses the cluster and may be lost (sharding delivers at
/// most once; a shard moves when its coordinator dies): a lookup unanswered for
/// <see cref="LookupTimeout"/> is asked again, a solve with no news for <see cref="SolveTimeout"/>
/// too (entities relay their node's beats, and take a repeated request from the same build as
/// one). A vertex whose inputs were lost with the nodes that held them makes those inputs run
/// again (<see cref="BuildState.OnInputsLost"/>). What a node asks about the client's side of the
/// build (<see cref="OpenContext"/>, <see cref="ReadSecret"/>) goes on to the requester, the
/// client's connection.
/// </para>
/// <para>
/// Cache imports (<c>--cache-from</c>, <see cref="CacheImports"/>) answer a lookup the local
/// records miss; a result imported that way names its record instead of a snapshot, and the node
/// that needs its filesystem fetches it. An import that turns out unusable (its node reports the
/// input lost) is forgotten, reported as a <see cref="BuildWarning"/>, and the step runs. With a
/// cache export asked for (<see cref="CacheExportMode"/>), the build looks up the results it
/// settled without having them (<see cref="CacheRecordCollector"/>) before it reports
/// <see cref="BuildCompleted"/> with the records.
/// </para>
/// </summary>
public sealed class BuildCoordinatorActor : UntypedActor, IWithTimers
{
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan SolveTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(2);

    private readonly BuildId _id;
    private readonly BuildGraph _graph;
    private readonly IActorRef _requester;
    private readonly IActorRef _vertices;
    private readonly IContentChecksumProvider _checksums;
    private readonly IResultAvailability _availability;
    private readonly BuildSession? _session;
    private readonly Task _settled;
    private readonly Dictionary<CacheKey, DateTime> _probes = new();
    private readonly Dictionary<CacheKey, (SolveVertex Request, DateTime LastNews)> _solves = new();
    public ITimerScheduler Timers { get; set; } = null!;
    // keys whose record names a snapshot that is gone: solved with IgnoreCache, so the entity runs
    // the vertex again and records the new result instead of answering with the stale one
    private readonly HashSet<CacheKey> _stale = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Dictionary<CacheKey, List<OpDigest>> _byKey = new();
    private readonly Dictionary<OpDigest, long> _startedAt = new();
    private IReadOnlyDictionary<OpDigest, CacheKey> _keys = new Dictionary<OpDigest, CacheKey>();
    private BuildState _state;
    private readonly CacheImports _imports;
    private readonly CacheExportMode _export;
    private CacheRecordCollector? _collector;
    private CacheResult? _target;

    public BuildCoordinatorActor(BuildId id, BuildGraph graph, IActorRef requester, IActorRef vertices, IContentChecksumProvider checksums, IResultAvailability? availability = null, BuildSession? session = null, Task? settled = null,
        CacheImports? imports = null, CacheExportMode export = CacheExportMode.None)
    {
        _imports = imports ?? CacheImports.None;
        _export = export;
        _availability = availability ?? AlwaysAvailable.Instance;
        _session = session;
        _settled = settled ?? Task.CompletedTask;
        _id = id;
        _graph = graph;
        _requester = requester;
        _vertices = vertices;
        _checksums = checksums;
        _state = new BuildState(graph);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case KeysComputed computed:
                OnKeysComputed(computed);
                break;
            case LookupVertexResult r:
                if (!_probes.Remove(r.Key))
                    return; // a repeated answer
                var hit = r.Result;
                if (hit is not null && !_availability.IsAvailable(hit))
                {
                    _stale.Add(r.Key);
                    hit = null;
                }
                hit ??= _imports.Find(r.Key);
                if (_collector is not null)
                {
                    _collector.OnProbed(r.Key, hit);
                    if (_collector.IsComplete)
                        Succeed();
                    return;
                }
                ForEachVertex(r.Key, v => Carry(_state.OnProbed(v, hit)));
                break;
            case VertexExecutionStarted s:
                Heard(s.Key);
                ForEachVertex(s.Key, v =>
                {
                    _startedAt[v] = _clock.ElapsedMilliseconds;
                    _requester.Tell(new VertexStarted(_id, v, Describe(v), s.Node));
                });
                break;
            case VertexRunning running:
                Heard(running.Key);
                break;
            case VertexOutput o:
                Heard(o.Key);
                ForEachVertex(o.Key, v => _requester.Tell(new VertexLog(_id, v, o.Stream, o.Line)));
                break;
            case VertexSolved s:
                _solves.Remove(s.Key);
                ForEachVertex(s.Key, v =>
                {
                    if (_state.StatusOf(v) != VertexStatus.Running)
                        return;
                    if (!s.Cached) // a cached answer is reported by the state (ReportCachedAction)
                        _requester.Tell(new VertexCompleted(_id, v, Describe(v), DurationOf(v, s.DurationMs)));
                    Carry(_state.OnCompleted(v, s.Result, s.Cached));
                });
                break;
            case VertexSolveFailed f:
                if (!_solves.Remove(f.Key))
                    return;
                if (f.LostInputs is { Count: > 0 } lost)
                {
                    ForEachVertex(f.Key, v => InputsLost(v, lost, f.Error));
                    return;
                }
                ForEachVertex(f.Key, v =>
                {
                    if (_state.StatusOf(v) != VertexStatus.Running)
                        return;
                    _requester.Tell(new VertexFailed(_id, v, Describe(v), f.Error, DurationOf(v, f.DurationMs)));
                    Carry(_state.OnFailed(v, f.Error));
                });
                break;
            case OpenContext or ReadSecret or ExchangeSshAgent:
                // the client's connection answers the node directly
                _requester.Forward(message);
                break;
            case Tick:
                Resend();
                break;
            case CancelBuild:
                Finish(new BuildFailed(_id, null, "cancelled"));
                break;
            case Status.Failure f when (f.Cause as CacheKeyException ?? f.Cause.InnerException as CacheKeyException) is { } keyFailure:
                KeyFailed(keyFailure);
                break;
            case Status.Failure f:
                Finish(new BuildFailed(_id, null, "computing cache keys: " + (f.Cause.InnerException ?? f.Cause).Message));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public static Props Props(BuildId id, BuildGraph graph, IActorRef requester, IActorRef vertices, IContentChecksumProvider checksums, IResultAvailability? availability = null, BuildSession? session = null, Task? settled = null,
        CacheImports? imports = null, CacheExportMode export = CacheExportMode.None) =>
        Akka.Actor.Props.Create(() => new BuildCoordinatorActor(id, graph, requester, vertices, checksums, availability, session, settled, imports, export));

    protected override void PreStart()
    {
        ComputeKeysAsync().PipeTo(Self, success: keys => new KeysComputed(keys));
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, TickInterval);
    }

    // a coordinator that just started first hears from its nodes, or every hit located on one looks stale
    private async Task<IReadOnlyDictionary<OpDigest, CacheKey>> ComputeKeysAsync()
    {
        var keys = await CacheKeyCalculator.ComputeAsync(_graph, _checksums, _cancellation.Token).ConfigureAwait(false);
        await _settled.WaitAsync(_cancellation.Token).ConfigureAwait(false);
        return keys;
    }

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private void OnKeysComputed(KeysComputed computed)
    {
        _keys = computed.Keys;
        foreach (var (digest, key) in _keys)
        {
            if (!_byKey.TryGetValue(key, out var list))
                _byKey[key] = list = [];
            list.Add(digest);
        }
        _requester.Tell(new BuildStarted(_id, _graph.Vertices.Count));
        Carry(_state.Start());
    }

    private void Carry(IReadOnlyList<SchedulerAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case ReportCachedAction cached:
                    _requester.Tell(new VertexCached(_id, cached.Vertex, Describe(cached.Vertex)));
                    break;
                case ProbeCacheAction probe:
                    var key = _keys[probe.Vertex];
                    _probes[key] = DateTime.UtcNow;
                    _vertices.Tell(new LookupVertex(key));
                    break;
                case RunVertexAction run:
                    var vertex = _graph[run.Vertex];
                    _startedAt[run.Vertex] = _clock.ElapsedMilliseconds;
                    var platform = ExecutionPlatform.Of(_graph, run.Vertex) is { } p ? PlatformSpec.Format(PlatformSpec.Normalize(p)) : "";
                    var solve = new SolveVertex(_keys[run.Vertex], BuildGraphCodec.EncodeVertex(vertex), _state.InputResults(run.Vertex),
                        vertex.Metadata.IgnoreCache || _stale.Contains(_keys[run.Vertex]), _session, _id.Value, platform);
                    _solves[solve.Key] = (solve, DateTime.UtcNow);
                    _vertices.Tell(solve);
                    break;
                case BuildSucceededAction done:
                    _target = done.Target;
                    CollectCacheRecords();
                    return;
                case BuildFailedAction failed:
                    Finish(new BuildFailed(_id, failed.Vertex, failed.Error));
                    return;
            }
        }
    }

    private void InputsLost(OpDigest vertex, IReadOnlyList<int> positions, string error)
    {
        var inputs = _graph[vertex].Inputs;
        var lost = positions.Where(p => p >= 0 && p < inputs.Count).Select(p => inputs[p].Digest).ToHashSet();
        foreach (var input in lost)
        {
            // the record names a result nobody holds: the producer runs again and replaces it
            _stale.Add(_keys[input]);
            if (_state.ResultOf(input)?.Imported is not null)
            {
                _imports.Forget(_keys[input]);
                _requester.Tell(new BuildWarning(_id, $"the imported cache of {Describe(input)} could not be used, so it runs: {error}"));
            }
        }
        Carry(_state.OnInputsLost(vertex, lost));
    }

    /// <summary>The build succeeded: with a cache export, the results it settled without having them are looked up first.</summary>
    private void CollectCacheRecords()
    {
        if (_export == CacheExportMode.None)
        {
            Succeed();
            return;
        }
        _collector = new CacheRecordCollector(_graph, _keys, _export, v => _state.IsCovered(v) ? null : _state.ResultOf(v));
        if (_collector.IsComplete)
        {
            Succeed();
            return;
        }
        foreach (var key in _collector.Missing)
        {
            _probes[key] = DateTime.UtcNow;
            _vertices.Tell(new LookupVertex(key));
        }
    }

    private void Succeed()
    {
        var records = _collector?.Records().Select(r => new ExportedCacheRecord(r.Key, r.Inputs, r.Result, r.IsImage, r.Minimal)).ToArray();
        Finish(new BuildCompleted(_id, _target!, _clock.ElapsedMilliseconds, records));
    }

    private void Heard(CacheKey key)
    {
        if (_solves.TryGetValue(key, out var solve))
            _solves[key] = (solve.Request, DateTime.UtcNow);
    }

    private void Resend()
    {
        var now = DateTime.UtcNow;
        foreach (var (key, sent) in _probes.Where(p => now - p.Value > LookupTimeout).ToList())
        {
            _probes[key] = now;
            _vertices.Tell(new LookupVertex(key));
        }
        foreach (var (key, solve) in _solves.Where(p => now - p.Value.LastNews > SolveTimeout).ToList())
        {
            _solves[key] = (solve.Request, now);
            _vertices.Tell(solve.Request);
        }
    }

    /// <summary>
    /// A vertex whose key cannot be computed (a COPY source that is not there) fails as that step,
    /// as BuildKit fails the vertex whose cache map errs: the client shows the step as ERROR with
    /// its Dockerfile excerpt. Nothing has run yet: every key is computed before the first lookup.
    /// </summary>
    private void KeyFailed(CacheKeyException failure)
    {
        var vertex = failure.Vertex;
        _requester.Tell(new VertexStarted(_id, vertex, Describe(vertex)));
        _requester.Tell(new VertexFailed(_id, vertex, Describe(vertex), failure.Message, 0));
        Finish(new BuildFailed(_id, vertex, failure.Message));
    }

    private void Finish(IBuildEvent outcome)
    {
        _requester.Tell(outcome);
        Context.Stop(Self);
    }

    private void ForEachVertex(CacheKey key, Action<OpDigest> handle)
    {
        if (!_byKey.TryGetValue(key, out var vertices))
            return;
        foreach (var vertex in vertices)
        {
            if (_state.IsFinished)
                return;
            handle(vertex);
        }
    }

    private string Describe(OpDigest vertex) => _graph[vertex].Metadata.Description;

    private long DurationOf(OpDigest vertex, long reported) =>
        _startedAt.TryGetValue(vertex, out var started) ? Math.Max(reported, _clock.ElapsedMilliseconds - started) : reported;

    private sealed record KeysComputed(IReadOnlyDictionary<OpDigest, CacheKey> Keys);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
