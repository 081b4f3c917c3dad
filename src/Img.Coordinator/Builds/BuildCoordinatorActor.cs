using System.Diagnostics;
using Akka.Actor;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Queries;
using Img.Messages.Graphs;
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
/// </summary>
public sealed class BuildCoordinatorActor : UntypedActor
{
    private readonly BuildId _id;
    private readonly BuildGraph _graph;
    private readonly IActorRef _requester;
    private readonly IActorRef _vertices;
    private readonly IContentChecksumProvider _checksums;
    private readonly IResultAvailability _availability;
    // keys whose record names a snapshot that is gone: solved with IgnoreCache, so the entity runs
    // the vertex again and records the new result instead of answering with the stale one
    private readonly HashSet<CacheKey> _stale = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Dictionary<CacheKey, List<OpDigest>> _byKey = new();
    private readonly Dictionary<OpDigest, long> _startedAt = new();
    private IReadOnlyDictionary<OpDigest, CacheKey> _keys = new Dictionary<OpDigest, CacheKey>();
    private BuildState _state;

    public BuildCoordinatorActor(BuildId id, BuildGraph graph, IActorRef requester, IActorRef vertices, IContentChecksumProvider checksums, IResultAvailability? availability = null)
    {
        _availability = availability ?? AlwaysAvailable.Instance;
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
                var hit = r.Result;
                if (hit is not null && !_availability.IsAvailable(hit))
                {
                    _stale.Add(r.Key);
                    hit = null;
                }
                ForEachVertex(r.Key, v => Carry(_state.OnProbed(v, hit)));
                break;
            case VertexExecutionStarted s:
                ForEachVertex(s.Key, v =>
                {
                    _startedAt[v] = _clock.ElapsedMilliseconds;
                    _requester.Tell(new VertexStarted(_id, v, Describe(v)));
                });
                break;
            case VertexOutput o:
                ForEachVertex(o.Key, v => _requester.Tell(new VertexLog(_id, v, o.Stream, o.Line)));
                break;
            case VertexSolved s:
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
                ForEachVertex(f.Key, v =>
                {
                    if (_state.StatusOf(v) != VertexStatus.Running)
                        return;
                    _requester.Tell(new VertexFailed(_id, v, Describe(v), f.Error, DurationOf(v, f.DurationMs)));
                    Carry(_state.OnFailed(v, f.Error));
                });
                break;
            case GetBuildStatus:
                Sender.Tell(CurrentStatus());
                break;
            case CancelBuild:
                Finish(new BuildFailed(_id, null, "cancelled"));
                break;
            case Status.Failure f:
                Finish(new BuildFailed(_id, null, "computing cache keys: " + (f.Cause.InnerException ?? f.Cause).Message));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public static Props Props(BuildId id, BuildGraph graph, IActorRef requester, IActorRef vertices, IContentChecksumProvider checksums, IResultAvailability? availability = null) =>
        Akka.Actor.Props.Create(() => new BuildCoordinatorActor(id, graph, requester, vertices, checksums, availability));

    protected override void PreStart()
    {
        CacheKeyCalculator.ComputeAsync(_graph, _checksums, _cancellation.Token).AsTask()
            .PipeTo(Self, success: keys => new KeysComputed(keys));
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
                    _vertices.Tell(new LookupVertex(_keys[probe.Vertex]));
                    break;
                case RunVertexAction run:
                    var vertex = _graph[run.Vertex];
                    _startedAt[run.Vertex] = _clock.ElapsedMilliseconds;
                    _vertices.Tell(new SolveVertex(_keys[run.Vertex], BuildGraphCodec.EncodeVertex(vertex), _state.InputResults(run.Vertex), vertex.Metadata.IgnoreCache || _stale.Contains(_keys[run.Vertex])));
                    break;
                case BuildSucceededAction done:
                    Finish(new BuildCompleted(_id, done.Target, _clock.ElapsedMilliseconds));
                    return;
                case BuildFailedAction failed:
                    Finish(new BuildFailed(_id, failed.Vertex, failed.Error));
                    return;
            }
        }
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

    private BuildStatusResult CurrentStatus()
    {
        var done = _graph.Vertices.Count(v => _state.StatusOf(v.Digest) is VertexStatus.Cached or VertexStatus.Completed);
        return new BuildStatusResult(_id, _graph.Vertices.Count, done, _state.Running.Count, _state.IsFinished);
    }

    private sealed record KeysComputed(IReadOnlyDictionary<OpDigest, CacheKey> Keys);
}
