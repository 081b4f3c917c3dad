using System.Diagnostics;
using Akka.Actor;
using Img.Engine.Solver;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Nodes.Queries;
using Img.Messages.Vertices.Events;

namespace Img.Node.Workers;

/// <summary>
/// Runs vertices on this node with <see cref="IVertexExecutor"/>, at most <c>slots</c> at a
/// time; the rest wait in arrival order. Each run is piped back to the actor as a message, so
/// the worker keeps answering while vertices run. Replies go to the sender of
/// <see cref="RunVertex"/> (a vertex entity): <see cref="VertexExecutionStarted"/> when a slot
/// takes the job, <see cref="VertexOutput"/> per output line, then
/// <see cref="VertexRunCompleted"/> or <see cref="VertexRunFailed"/>.
/// </summary>
public sealed class NodeWorkerActor : UntypedActor
{
    /// <summary>The worker's name under /user, on every node (cluster routers address it by path).</summary>
    public const string Name = "node-worker";

    private readonly IVertexExecutor _executor;
    private readonly int _slots;
    private readonly string _node;
    private readonly Queue<Job> _queue = new();
    private readonly Dictionary<long, Job> _running = new();
    private long _nextId;

    public NodeWorkerActor(IVertexExecutor executor, int slots, string node)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _executor = executor;
        _slots = slots;
        _node = node;
    }

    // UntypedActor: a ReceiveActor compiles its handlers into an expression tree on first use,
    // JIT work that lands on every short-lived img process's start-up path.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RunVertex run:
                _queue.Enqueue(new Job(++_nextId, run, Sender));
                Pump();
                break;
            case Finished finished:
                OnFinished(finished);
                break;
            case GetNodeStatus:
                Sender.Tell(new NodeStatusResult(_node, _slots, _running.Count, _queue.Count));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public static Props Props(IVertexExecutor executor, int slots, string node = "local") =>
        Akka.Actor.Props.Create(() => new NodeWorkerActor(executor, slots, node));

    protected override void PostStop()
    {
        foreach (var job in _running.Values)
            job.Cancellation.Cancel();
        base.PostStop();
    }

    private void Pump()
    {
        while (_running.Count < _slots && _queue.TryDequeue(out var job))
            Start(job);
    }

    private void Start(Job job)
    {
        var key = job.Run.Key;
        _running[job.Id] = job;
        job.Clock.Start();
        job.ReplyTo.Tell(new VertexExecutionStarted(key, _node));
        VertexJob vertexJob;
        try
        {
            vertexJob = new VertexJob(key, BuildGraphCodec.DecodeVertex(job.Run.Vertex), job.Run.Inputs, new ReplyingLog(key, job.ReplyTo));
        }
        catch (Exception e)
        {
            Self.Tell(new Finished(job.Id, null, e));
            return;
        }
        var executor = _executor;
        var token = job.Cancellation.Token;
        // Task.Run: whatever the executor does before its first await never runs on this actor's thread
        Task.Run(async () => await executor.ExecuteAsync(vertexJob, token).ConfigureAwait(false), token)
            .PipeTo(Self, success: r => new Finished(job.Id, r, null), failure: e => new Finished(job.Id, null, e));
    }

    private void OnFinished(Finished finished)
    {
        if (!_running.Remove(finished.Id, out var job))
            return;
        job.Clock.Stop();
        job.Cancellation.Dispose();
        var ms = job.Clock.ElapsedMilliseconds;
        if (finished.Result is { } result)
            job.ReplyTo.Tell(new VertexRunCompleted(job.Run.Key, result.Output, ms));
        else
            job.ReplyTo.Tell(new VertexRunFailed(job.Run.Key, Describe(finished.Error), ms));
        Pump();
    }

    private static string Describe(Exception? error) => error switch
    {
        null => "the executor returned no result",
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException),
        OperationCanceledException => "cancelled",
        _ => error.Message,
    };

    private sealed record Job(long Id, RunVertex Run, IActorRef ReplyTo)
    {
        public CancellationTokenSource Cancellation { get; } = new();
        public Stopwatch Clock { get; } = new();
    }

    private sealed record Finished(long Id, VertexResult? Result, Exception? Error);

    /// <summary>Output lines become messages to the requester; Tell is thread-safe and never blocks.</summary>
    private sealed class ReplyingLog(Engine.Solver.CacheKey key, IActorRef replyTo) : IVertexLog
    {
        public void WriteLine(VertexLogStream stream, string line) => replyTo.Tell(new VertexOutput(key, stream, line));
    }
}
