using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Img.Coordinator.Vertices;

/// <summary>
/// Standalone routing for vertex entities: one child per entity id, created on first message,
/// with the same extractor and entity props as the cluster's shard region. Only the routing
/// differs from cluster mode; a passivating entity (<see cref="Passivate"/>) is stopped.
/// </summary>
public sealed class LocalVertexRegionActor : UntypedActor
{
    private readonly Props _entityProps;
    private readonly IMessageExtractor _extractor;

    public LocalVertexRegionActor(Props entityProps, IMessageExtractor extractor)
    {
        _entityProps = entityProps;
        _extractor = extractor;
    }

    protected override void OnReceive(object message)
    {
        if (message is Passivate passivate)
        {
            Sender.Tell(passivate.StopMessage);
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

    public static Props Props(Props entityProps, IMessageExtractor extractor) =>
        Akka.Actor.Props.Create(() => new LocalVertexRegionActor(entityProps, extractor));
}
