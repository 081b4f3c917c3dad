using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Coordinator.Vertices;

/// <summary>
/// The build cache record of one <see cref="CacheKey"/>, and the one place that decides whether
/// the key's vertex runs: a sharded entity (entity id = key), so cluster-wide each key runs at
/// most once at a time. <see cref="SolveVertex"/> answers from the recorded result, or joins the
/// execution in flight, or asks its coordinator's scheduler to run it (<see cref="ScheduleVertex"/>);
/// the node answers through the vertex region, by key. A result is
/// persisted as <see cref="VertexRecorded"/> and recovered on start, so later builds, in this
/// process or the next, reuse it. <c>IgnoreCache</c> skips the recorded result but the new one is
/// still recorded.
/// <para>
/// The waiting builds are answered before the record is written (the write is on no build's
/// critical path: a chain of steps would otherwise wait for one journal write per step). This is
/// safe because a node reports a result only once its snapshot is committed: the record can be
/// missing after a crash (a cache miss later), never point at something that does not exist.
/// Until the write is done the result is answered from memory. <see cref="FlushRecords"/> answers
/// once every write this entity started is done (a standalone process flushes before it exits).
/// </para>
/// <para>
/// Nothing that crosses the cluster is trusted to arrive (sharding delivers at most once): while
/// the vertex runs, the node beats every few seconds (<see cref="VertexRunning"/>, relayed to the
/// waiting builds so they can tell a long step from a lost one); an execution with no news for
/// a while (<see cref="DefaultSilenceLimit"/>) is asked for again (the scheduler ignores a key it still has placed on
/// a live node, a node ignores a key it is running and answers one it just finished). A result
/// that arrives with no execution waiting (the entity was restarted meanwhile) is still recorded.
/// The beats also keep the entity from passivating while its vertex runs.
/// </para>
/// </summary>
public sealed partial class VertexEntityActor : UntypedPersistentActor, IWithTimers
{
    /// <summary>By default, an execution with no news for this long is asked for again.</summary>
    public static readonly TimeSpan DefaultSilenceLimit = TimeSpan.FromSeconds(15);

    // a node that cannot take the vertex (draining, stopping) hands it back this many times before the builds are told
    private const int MaxHandBacks = 5;

    private readonly IActorRef _scheduler;
    private readonly TimeSpan _silenceLimit;
    private readonly CacheKey _key;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CacheResult? _result;
    private Execution? _execution;

    public VertexEntityActor(IActorRef scheduler, TimeSpan? silenceLimit = null)
    {
        _scheduler = scheduler;
        _silenceLimit = silenceLimit ?? DefaultSilenceLimit;
        _key = new CacheKey(Uri.UnescapeDataString(Self.Path.Name));
        PersistenceId = "vertex-" + _key.Value;
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Entity props for the shard region or <see cref="LocalVertexRegionActor"/>; the entity id (key) is the actor name.</summary>
    /// <param name="silenceLimit">How long an execution may go without news before it is asked for again (default <see cref="DefaultSilenceLimit"/>).</param>
    public static Props Props(IActorRef scheduler, TimeSpan? silenceLimit = null) => Akka.Actor.Props.Create(() => new VertexEntityActor(scheduler, silenceLimit));

    protected override void OnRecover(object message)
    {
        if (message is VertexRecorded recorded)
            Apply(recorded);
    }

    // UntypedPersistentActor: a ReceivePersistentActor compiles its handlers into an expression
    // tree on first use, JIT work that lands on every short-lived img process's start-up path.
    protected override void OnCommand(object message)
    {
        if (OnForgetCommand(message)) return;
        switch (message)
        {
            case LookupVertex:
                Sender.Tell(new LookupVertexResult(_key, _result));
                break;
            case SolveVertex solve:
                Solve(solve);
                break;
            case VertexExecutionStarted started:
                if (_execution is null) return;
                _execution.Node = started.Node;
                _execution.Heard();
                _execution.Tell(started);
                break;
            case VertexOutput output:
                _execution?.Heard();
                _execution?.Tell(output);
                break;
            case VertexRunning running:
                if (_execution is null) return;
                _execution.Node ??= running.Node;
                _execution.Heard();
                _execution.Tell(running);
                break;
            case VertexRunCompleted completed:
                Record(completed);
                break;
            case VertexRunFailed failed:
                OnRunFailed(failed);
                break;
            case CheckExecution:
                CheckSilence();
                break;
            case FlushRecords:
                Flush();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Record(VertexRunCompleted completed)
    {
        var execution = _execution;
        _execution = null;
        Timers.Cancel(CheckExecution.Instance);
        if (execution is null && _result == completed.Result)
            return; // a repeated answer
        var recorded = new VertexRecorded(_key, completed.Result);
        Apply(recorded);
        execution?.Tell(new VertexSolved(_key, recorded.Result, false, completed.DurationMs));
        // PersistAsync: commands keep coming in while the journal writes (a Persist would stash them).
        PersistAsync(recorded, _ => { });
    }

    private void OnRunFailed(VertexRunFailed failed)
    {
        if (_execution is not { } execution)
            return;
        if (failed.Retryable && ++execution.HandBacks <= MaxHandBacks)
        {
            execution.Node = null;
            execution.Heard();
            _scheduler.Tell(new ScheduleVertex(execution.Run));
            return;
        }
        _execution = null;
        Timers.Cancel(CheckExecution.Instance);
        execution.Tell(new VertexSolveFailed(_key, failed.Error, failed.DurationMs, failed.LostInputs, failed.Retryable));
    }

    private void CheckSilence()
    {
        if (_execution is not { } execution)
        {
            Timers.Cancel(CheckExecution.Instance);
            return;
        }
        if (DateTime.UtcNow - execution.LastNews < _silenceLimit)
            return;
        _log.Info("no news of {0} for {1} s: asking for it again", _key, (int)(DateTime.UtcNow - execution.LastNews).TotalSeconds);
        execution.Heard();
        _scheduler.Tell(new ScheduleVertex(execution.Run));
    }

    private void Flush()
    {
        var replyTo = Sender;
        // runs after the handlers of every PersistAsync started before it, at once when none is pending
        DeferAsync(RecordsFlushed.Instance, flushed => replyTo.Tell(flushed));
    }

    private void Solve(SolveVertex solve)
    {
        if (!solve.IgnoreCache && _result is not null)
        {
            Sender.Tell(new VertexSolved(_key, _result, true, 0));
            return;
        }
        if (_execution is not null)
        {
            _execution.Waiters.Add(Sender);
            if (_execution.Node is { } node)
                Sender.Tell(new VertexExecutionStarted(_key, node));
            return;
        }
        var run = new RunVertex(_key, solve.Vertex, solve.Inputs, solve.Session, null, solve.Build, solve.Platform);
        _execution = new Execution(run) { Waiters = { Sender } };
        Timers.StartPeriodicTimer(CheckExecution.Instance, CheckExecution.Instance, _silenceLimit / 3);
        _scheduler.Tell(new ScheduleVertex(run));
    }

    private void Apply(VertexRecorded recorded) => _result = recorded.Result;

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The builds that waited for the result already have it; it is just not recorded. The
        // entity stops now (Akka's rule after a failed write) and the next message starts it from
        // the journal: a cache miss. A re-run in flight (IgnoreCache) fails rather than leaving
        // its builds waiting for an answer nobody will send.
        _log.Warning(cause, "could not record the cache result of {0}", _key);
        if (_execution is { } execution)
        {
            execution.Tell(new VertexSolveFailed(_key, "the build cache journal failed: " + cause.Message, 0));
            _execution = null;
        }
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private sealed class Execution(RunVertex run)
    {
        public RunVertex Run { get; } = run;
        public HashSet<IActorRef> Waiters { get; } = [];
        public string? Node { get; set; }
        public int HandBacks { get; set; }
        public DateTime LastNews { get; private set; } = DateTime.UtcNow;

        public void Heard() => LastNews = DateTime.UtcNow;

        public void Tell(object message)
        {
            foreach (var waiter in Waiters)
                waiter.Tell(message);
        }
    }

    private sealed class CheckExecution
    {
        public static readonly CheckExecution Instance = new();
    }
}
