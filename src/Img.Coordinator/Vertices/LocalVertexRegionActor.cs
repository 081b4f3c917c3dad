using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Coordinator.Vertices;

/// <summary>
/// Standalone routing for vertex entities: one child per entity id, created on first message,
/// with the same extractor and entity props as the cluster's shard region. Only the routing
/// differs from cluster mode; a passivating entity (<see cref="Passivate"/>) is stopped.
/// <para>
/// Entities answer before their cache record is written (<see cref="VertexEntityActor"/>), so a
/// process that ends right after a build could lose the last records. The region therefore flushes
/// every entity in the <c>service-requests-done</c> phase of coordinated shutdown, while the
/// journal still runs; <see cref="FlushRecords"/> does the same on request.
/// </para>
/// <para>
/// An entity can stop with messages on their way to it (a failed cache write stops it, as
/// Akka.Persistence requires; a passivated one stops on request). Those messages become dead
/// letters, and a build waiting for their answer would wait forever. The region therefore takes
/// back the dead letters of its own entities and delivers them to the entity's next incarnation,
/// once the old one is gone, as cluster sharding buffers messages for a stopping entity (their
/// order is not kept: they come back by two paths). An entity that stops again at once, three
/// times in a row, gets its requests answered as failed (a lookup as a miss) instead.
/// </para>
/// </summary>
public sealed class LocalVertexRegionActor : UntypedActor
{
    // The phase's own limit (akka.coordinated-shutdown.default-phase-timeout): the writes are
    // single rows, this is for a stuck database, whose records are then lost (cache misses).
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly Props _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly Liveness _liveness = new();

    // An entity that stops at once every time (its journal is gone, so recovery fails) would be
    // restarted forever: after this many incarnations in a row the messages are answered as failed.
    private const int MaxRedeliveryIncarnations = 3;

    // entity name -> messages that reached its stopped incarnation, delivered when it has terminated
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _redeliveries = new(StringComparer.Ordinal);

    // entity name -> incarnations started in a row to take redelivered messages
    private readonly Dictionary<string, int> _redeliveryIncarnations = new(StringComparer.Ordinal);

    public LocalVertexRegionActor(Props entityProps, IMessageExtractor extractor)
    {
        _entityProps = entityProps;
        _extractor = extractor;
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        // Tasks cannot be removed from coordinated shutdown: a region stopped before it is skipped.
        var self = Self;
        var liveness = _liveness;
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "flush-vertex-records", async () =>
        {
            if (liveness.Alive)
                await self.Ask<RecordsFlushed>(FlushRecords.Instance, FlushTimeout).ConfigureAwait(false);
            return Done.Instance;
        });
    }

    protected override void PostStop()
    {
        _liveness.Alive = false;
        Context.System.EventStream.Unsubscribe(Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Passivate passivate:
                Sender.Tell(passivate.StopMessage);
                return;
            case FlushRecords:
                FlushAll();
                return;
            case DeadLetter dead:
                if (IsEntity(dead.Recipient) && dead.Message is not IAutoReceivedMessage)
                    Redeliver(dead.Recipient, dead.Message, dead.Sender);
                return;
            case Terminated terminated:
                if (_redeliveries.Remove(terminated.ActorRef.Path.Name, out var pending))
                    DeliverToNextIncarnation(terminated.ActorRef.Path.Name, pending);
                return;
        }
        var id = _extractor.EntityId(message);
        if (id is null)
        {
            Unhandled(message);
            return;
        }
        var name = Uri.EscapeDataString(id);
        if (_redeliveries.TryGetValue(name, out var waiting))
        {
            waiting.Add((_extractor.EntityMessage(message)!, Sender));
            return;
        }
        var child = Context.Child(name);
        if (child.IsNobody())
            child = Spawn(name);
        else
            _redeliveryIncarnations.Remove(name); // it lived to take new work
        child.Forward(_extractor.EntityMessage(message));
    }

    private void DeliverToNextIncarnation(string name, List<(object Message, IActorRef Sender)> pending)
    {
        var incarnations = _redeliveryIncarnations.GetValueOrDefault(name) + 1;
        if (incarnations > MaxRedeliveryIncarnations)
        {
            _redeliveryIncarnations.Remove(name);
            foreach (var (m, sender) in pending)
                FailUndeliverable(m, sender);
            return;
        }
        _redeliveryIncarnations[name] = incarnations;
        var next = Spawn(name);
        foreach (var (m, sender) in pending)
            next.Tell(m, sender);
    }

    private void FailUndeliverable(object message, IActorRef sender)
    {
        const string error = "the vertex's cache entity keeps stopping (is the build cache journal readable and writable?)";
        switch (message)
        {
            case SolveVertex solve:
                sender.Tell(new VertexSolveFailed(solve.Key, error, 0));
                break;
            case LookupVertex lookup:
                sender.Tell(new LookupVertexResult(lookup.Key, null)); // a miss
                break;
            case FlushRecords:
                sender.Tell(RecordsFlushed.Instance); // nothing of it can be written any more
                break;
        }
    }

    private IActorRef Spawn(string name) => Context.Watch(Context.ActorOf(_entityProps, name));

    private bool IsEntity(IActorRef actor) => actor.Path.Parent.Equals(Self.Path) && IsEntityName(actor.Path.Name);

    private void Redeliver(IActorRef stopped, object message, IActorRef sender)
    {
        var name = stopped.Path.Name;
        if (_redeliveries.TryGetValue(name, out var waiting))
        {
            waiting.Add((message, sender));
            return;
        }
        var current = Context.Child(name);
        if (current.Equals(stopped))
            _redeliveries[name] = [(message, sender)]; // delivered when its Terminated arrives
        else if (current.IsNobody())
            DeliverToNextIncarnation(name, [(message, sender)]); // its Terminated came first
        else
            current.Tell(message, sender);
    }

    // Entities are named by their escaped id, which never starts with '$' (EscapeDataString
    // escapes it); the flushers are unnamed children, which always do.
    private static bool IsEntityName(string name) => !name.StartsWith('$');

    private void FlushAll() =>
        Context.ActorOf(RecordFlusher.Props([.. Context.GetChildren().Where(c => IsEntityName(c.Path.Name))], Sender));

    public static Props Props(Props entityProps, IMessageExtractor extractor) =>
        Akka.Actor.Props.Create(() => new LocalVertexRegionActor(entityProps, extractor));

    private sealed class Liveness
    {
        public volatile bool Alive = true;
    }
}
