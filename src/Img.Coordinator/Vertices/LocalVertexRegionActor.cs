using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;

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
/// </summary>
public sealed class LocalVertexRegionActor : UntypedActor
{
    // The phase's own limit (akka.coordinated-shutdown.default-phase-timeout): the writes are
    // single rows, this is for a stuck database, whose records are then lost (cache misses).
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly Props _entityProps;
    private readonly IMessageExtractor _extractor;
    private readonly Liveness _liveness = new();

    public LocalVertexRegionActor(Props entityProps, IMessageExtractor extractor)
    {
        _entityProps = entityProps;
        _extractor = extractor;
    }

    protected override void PreStart()
    {
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

    protected override void PostStop() => _liveness.Alive = false;

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
        }
        var id = _extractor.EntityId(message);
        if (id is null)
        {
            Unhandled(message);
            return;
        }
        var name = Uri.EscapeDataString(id);
        var child = Context.Child(name);
        if (child.IsNobody())
            child = Context.ActorOf(_entityProps, name);
        child.Forward(_extractor.EntityMessage(message));
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
