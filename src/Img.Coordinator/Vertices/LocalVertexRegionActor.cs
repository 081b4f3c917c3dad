using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

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
/// once the old one is gone, as cluster sharding buffers messages for a stopping entity.
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

    // entity name -> messages that reached its stopped incarnation, delivered when it has terminated
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _redeliveries = new(StringComparer.Ordinal);

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
                if (IsEntity(dead.Recipient) && dead.Message is not (IAutoReceivedMessage or PoisonPill or Kill))
                    Redeliver(dead.Recipient, dead.Message, dead.Sender);
                return;
            case Terminated terminated:
                if (_redeliveries.Remove(terminated.ActorRef.Path.Name, out var pending))
                {
                    var next = Spawn(terminated.ActorRef.Path.Name);
                    foreach (var (m, sender) in pending)
                        next.Tell(m, sender);
                }
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
        child.Forward(_extractor.EntityMessage(message));
    }

    private IActorRef Spawn(string name) => Context.Watch(Context.ActorOf(_entityProps, name));

    private bool IsEntity(IActorRef actor) =>
        actor.Path.Parent.Equals(Self.Path) && !actor.Path.Name.StartsWith('$');

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
            _redeliveries[name] = [(message, sender)]; // until its Terminated arrives
        else
            (current.IsNobody() ? Spawn(name) : current).Tell(message, sender);
    }

    // Entities are named by their escaped id, which never starts with '$' (EscapeDataString
    // escapes it); the flushers are unnamed children, which always do.
    private void FlushAll() =>
        Context.ActorOf(RecordFlusher.Props([.. Context.GetChildren().Where(c => !c.Path.Name.StartsWith('$'))], Sender));

    public static Props Props(Props entityProps, IMessageExtractor extractor) =>
        Akka.Actor.Props.Create(() => new LocalVertexRegionActor(entityProps, extractor));

    private sealed class Liveness
    {
        public volatile bool Alive = true;
    }
}
