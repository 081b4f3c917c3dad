using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Coordinator.Vertices;

/// <summary>
/// The build cache record of one <see cref="CacheKey"/>, and the one place that decides whether
/// the key's vertex runs: a sharded entity (entity id = key), so cluster-wide each key runs at
/// most once at a time. <see cref="SolveVertex"/> answers from the recorded result, or joins the
/// execution in flight, or sends <see cref="RunVertex"/> to the node workers. A result is
/// persisted as <see cref="VertexRecorded"/> before anyone is answered and recovered on start,
/// so later builds, in this process or the next, reuse it. <c>IgnoreCache</c> skips the
/// recorded result but the new one is still recorded.
/// </summary>
public sealed partial class VertexEntityActor : UntypedPersistentActor
{
    private readonly IActorRef _workers;
    private readonly CacheKey _key;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CacheResult? _result;
    private Execution? _execution;

    public VertexEntityActor(IActorRef workers)
    {
        _workers = workers;
        _key = new CacheKey(Uri.UnescapeDataString(Self.Path.Name));
        PersistenceId = "vertex-" + _key.Value;
    }

    public override string PersistenceId { get; }

    /// <summary>Entity props for the shard region or <see cref="LocalVertexRegionActor"/>; the entity id (key) is the actor name.</summary>
    public static Props Props(IActorRef workers) => Akka.Actor.Props.Create(() => new VertexEntityActor(workers));

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
                _execution.Tell(started);
                break;
            case VertexOutput output:
                _execution?.Tell(output);
                break;
            case VertexRunCompleted completed:
                Record(completed);
                break;
            case VertexRunFailed failed:
                var execution = _execution;
                _execution = null;
                execution?.Tell(new VertexSolveFailed(_key, failed.Error, failed.DurationMs));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Record(VertexRunCompleted completed)
    {
        if (_execution is null) return;
        var execution = _execution;
        Persist(new VertexRecorded(_key, completed.Result), recorded =>
        {
            Apply(recorded);
            _execution = null;
            execution.Tell(new VertexSolved(_key, recorded.Result, false, completed.DurationMs));
        });
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
        _execution = new Execution { Waiters = { Sender } };
        _workers.Tell(new RunVertex(_key, solve.Vertex, solve.Inputs));
    }

    private void Apply(VertexRecorded recorded) => _result = recorded.Result;

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // the result exists, it just is not recorded: the builds waiting for it still get it
        if (@event is VertexRecorded recorded && _execution is { } execution)
        {
            _log.Warning(cause, "could not record the cache result of {0}", _key);
            execution.Tell(new VertexSolved(_key, recorded.Result, false, 0));
            _execution = null;
        }
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private sealed class Execution
    {
        public List<IActorRef> Waiters { get; } = [];
        public string? Node { get; set; }

        public void Tell(object message)
        {
            foreach (var waiter in Waiters)
                waiter.Tell(message);
        }
    }
}
