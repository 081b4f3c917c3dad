using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Nodes.Queries;
using Img.Messages.Vertices.Events;

namespace Img.Node.Workers;

/// <summary>
/// Runs vertices on this node with <see cref="IVertexExecutor"/>, at most <c>slots</c> at a time;
/// the rest wait in arrival order. Each run is piped back to the actor as a message, so the worker
/// keeps answering while vertices run.
/// <para>
/// It reports to every scheduler it knows (<see cref="NodeHeartbeat"/> once a second: slots,
/// load, counters). A <see cref="RunVertex"/> is answered through the vertex region, by key
/// (<see cref="VertexExecutionStarted"/> when a slot takes it, <see cref="VertexOutput"/> per
/// output line and <see cref="VertexRunning"/> every few seconds, then <see cref="VertexRunCompleted"/>
/// or <see cref="VertexRunFailed"/>), and the scheduler that sent it gets <see cref="SlotReleased"/>.
/// Requests can come twice (a lost answer is asked for again): a key already running is not
/// started again, and a key finished recently is answered from memory.
/// </para>
/// <para>
/// Before a job runs, its inputs are made local (<see cref="INodeServices.LocalizeInputsAsync"/>:
/// results of other nodes are fetched); inputs no holder can give fail the job with their positions,
/// so the build re-runs their producers. <see cref="DrainNode"/> stops taking work.
/// </para>
/// </summary>
public sealed class NodeWorkerActor : UntypedActor, IWithTimers
{
    /// <summary>The worker's name under /user, on every node.</summary>
    public const string Name = "node-worker";

    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RunningInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RememberFinished = TimeSpan.FromMinutes(10);

    private readonly IVertexExecutor _executor;
    private readonly NodeWorkerSettings _settings;
    private readonly INodeServices _services;
    private readonly Queue<Job> _queue = new();
    private readonly Dictionary<long, Job> _running = new();
    private readonly Dictionary<CacheKey, DateTime> _finishedAt = new();
    private readonly Dictionary<CacheKey, VertexRunCompleted> _finished = new();
    private readonly HashSet<IActorRef> _schedulers = [];
    private readonly Dictionary<Address, ActorSelection> _coordinators = new();
    private IActorRef? _drainRequester;
    private bool _draining;
    private long _nextId;
    private long _executed;
    private string _workerPath = "";

    public NodeWorkerActor(IVertexExecutor executor, NodeWorkerSettings settings, INodeServices services)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Slots, 1);
        _executor = executor;
        _settings = settings;
        _services = services;
        _schedulers.UnionWith(settings.Schedulers);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IVertexExecutor executor, NodeWorkerSettings settings, INodeServices? services = null) =>
        Akka.Actor.Props.Create(() => new NodeWorkerActor(executor, settings, services ?? LocalNodeServices.Instance));

    protected override void PreStart()
    {
        _workerPath = Self.Path.ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress);
        if (_settings.Cluster)
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));
        }
        Timers.StartPeriodicTimer(Beat.Instance, Beat.Instance, HeartbeatInterval);
        Timers.StartPeriodicTimer(RunningBeat.Instance, RunningBeat.Instance, RunningInterval);
        SendHeartbeat();
    }

    // UntypedActor: a ReceiveActor compiles its handlers into an expression tree on first use,
    // JIT work that lands on every short-lived img process's start-up path.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RunVertex run:
                Accept(run, Sender);
                break;
            case Finished finished:
                OnFinished(finished);
                break;
            case PublishResult publish:
                var replyTo = Sender;
                _services.PublishAsync(publish.SnapshotId, CancellationToken.None).PipeTo(replyTo,
                    success: d => new ResultPublished(publish.SnapshotId, d, ""),
                    failure: e => new ResultPublished(publish.SnapshotId, null, Describe(e)));
                break;
            case PushImage push:
                var pusher = Sender;
                _services.PushAsync(push, CancellationToken.None).PipeTo(pusher,
                    success: _ => new ImagePushed(push.RequestId, ""),
                    failure: e => new ImagePushed(push.RequestId, Describe(e)));
                break;
            case PublishCache cache:
                var exporter = Sender;
                _services.PublishCacheAsync(cache, CancellationToken.None).PipeTo(exporter,
                    success: m => new CachePublished(cache.RequestId, m, ""),
                    failure: e => new CachePublished(cache.RequestId, [], Describe(e)));
                break;
            case Beat:
                SendHeartbeat();
                ForgetOldResults();
                break;
            case RunningBeat:
                foreach (var job in _running.Values)
                    _settings.Vertices.Tell(new VertexRunning(job.Run.Key, _settings.Node));
                break;
            case ClusterEvent.MemberUp up when up.Member.HasRole("coordinator"):
                var scheduler = Context.ActorSelection(new RootActorPath(up.Member.Address) / "user" / "scheduler");
                _coordinators[up.Member.Address] = scheduler;
                scheduler.Tell(Heartbeat());
                break;
            case ClusterEvent.MemberRemoved removed:
                _coordinators.Remove(removed.Member.Address);
                break;
            case ClusterEvent.IMemberEvent:
                break;
            case DrainNode:
                Drain();
                break;
            case GetNodeStatus:
                Sender.Tell(new NodeStatusResult(_settings.Node, _settings.Slots, _running.Count, _queue.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        if (_settings.Cluster)
            Cluster.Get(Context.System).Unsubscribe(Self);
        foreach (var job in _running.Values)
            job.Cancellation.Cancel();
        base.PostStop();
    }

    private void Accept(RunVertex run, IActorRef scheduler)
    {
        if (_draining)
        {
            HandBack(run, scheduler, "the node is shutting down");
            return;
        }
        if (_finished.TryGetValue(run.Key, out var done))
        {
            // the answer was lost on its way: give it again
            _settings.Vertices.Tell(done);
            scheduler.Tell(new SlotReleased(_settings.Node, run.Key));
            return;
        }
        if (_running.Values.Any(j => j.Run.Key == run.Key) || _queue.Any(j => j.Run.Key == run.Key))
            return;
        _queue.Enqueue(new Job(++_nextId, run, scheduler));
        Pump();
    }

    private void HandBack(RunVertex run, IActorRef scheduler, string why)
    {
        _settings.Vertices.Tell(new VertexRunFailed(run.Key, why, 0, null, Retryable: true));
        scheduler.Tell(new SlotReleased(_settings.Node, run.Key));
    }

    private void Pump()
    {
        while (_running.Count < _settings.Slots && _queue.TryDequeue(out var job))
            Start(job);
    }

    private void Start(Job job)
    {
        var key = job.Run.Key;
        _running[job.Id] = job;
        job.Clock.Start();
        _settings.Vertices.Tell(new VertexExecutionStarted(key, _settings.Node));
        var executor = _executor;
        var services = _services;
        var run = job.Run;
        var log = new ReplyingLog(key, _settings.Vertices);
        var token = job.Cancellation.Token;
        // Task.Run: whatever the executor does before its first await never runs on this actor's thread
        Task.Run(async () =>
        {
            var vertex = BuildGraphCodec.DecodeVertex(run.Vertex);
            var inputs = await services.LocalizeInputsAsync(run, vertex, token).ConfigureAwait(false);
            var vertexJob = new VertexJob(key, vertex, inputs, log, services.SessionFor(run));
            return await executor.ExecuteAsync(vertexJob, token).ConfigureAwait(false);
        }, token).PipeTo(Self, success: r => new Finished(job.Id, r, null), failure: e => new Finished(job.Id, null, e));
    }

    private void OnFinished(Finished finished)
    {
        if (!_running.Remove(finished.Id, out var job))
            return;
        job.Clock.Stop();
        job.Cancellation.Dispose();
        var ms = job.Clock.ElapsedMilliseconds;
        var key = job.Run.Key;
        if (finished.Result is { } result)
        {
            _executed++;
            var output = _services.Location.Length > 0 ? result.Output with { Location = _services.Location } : result.Output;
            var completed = new VertexRunCompleted(key, output, ms);
            _finished[key] = completed;
            _finishedAt[key] = DateTime.UtcNow;
            _settings.Vertices.Tell(completed);
        }
        else
        {
            var lost = Unwrap(finished.Error) is InputsLostException l ? l.Inputs : null;
            _settings.Vertices.Tell(new VertexRunFailed(key, Describe(finished.Error), ms, lost));
        }
        job.Scheduler.Tell(new SlotReleased(_settings.Node, key));
        Pump();
        if (_draining && _running.Count == 0)
            Drained();
    }

    private void Drain()
    {
        _draining = true;
        _drainRequester = Sender;
        while (_queue.TryDequeue(out var job))
            HandBack(job.Run, job.Scheduler, "the node is shutting down");
        SendHeartbeat();
        if (_running.Count == 0)
            Drained();
    }

    private void Drained()
    {
        _drainRequester?.Tell(NodeDrained.Instance);
        _drainRequester = null;
    }

    private void SendHeartbeat()
    {
        var beat = Heartbeat();
        foreach (var scheduler in _schedulers)
            scheduler.Tell(beat);
        foreach (var scheduler in _coordinators.Values)
            scheduler.Tell(beat);
    }

    private NodeHeartbeat Heartbeat()
    {
        var (blobs, snapshots) = _services.Usage;
        return new NodeHeartbeat(_settings.Node, _workerPath, _settings.BlobEndpoint, _settings.Slots, _running.Count, _queue.Count,
            _executed, _draining, blobs, snapshots, _settings.Platforms);
    }

    private void ForgetOldResults()
    {
        var limit = DateTime.UtcNow - RememberFinished;
        foreach (var (key, at) in _finishedAt.Where(p => p.Value < limit).ToList())
        {
            _finishedAt.Remove(key);
            _finished.Remove(key);
        }
    }

    private static Exception? Unwrap(Exception? error) =>
        error is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException) : error;

    private static string Describe(Exception? error) => Unwrap(error) switch
    {
        null => "the executor returned no result",
        OperationCanceledException => "cancelled",
        var e => e.Message,
    };

    private sealed record Job(long Id, RunVertex Run, IActorRef Scheduler)
    {
        public CancellationTokenSource Cancellation { get; } = new();
        public Stopwatch Clock { get; } = new();
    }

    private sealed record Finished(long Id, VertexResult? Result, Exception? Error);

    private sealed class Beat
    {
        public static readonly Beat Instance = new();
    }

    private sealed class RunningBeat
    {
        public static readonly RunningBeat Instance = new();
    }

    /// <summary>Output lines become messages to the vertex region; Tell is thread-safe and never blocks.</summary>
    private sealed class ReplyingLog(CacheKey key, IActorRef vertices) : IVertexLog
    {
        public void WriteLine(VertexLogStream stream, string line) => vertices.Tell(new VertexOutput(key, stream, line));
    }
}
