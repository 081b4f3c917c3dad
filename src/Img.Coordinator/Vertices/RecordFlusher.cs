using Akka.Actor;

namespace Img.Coordinator.Vertices;

/// <summary>
/// One <see cref="FlushRecords"/> over many vertex entities: asks each of them and answers
/// <see cref="RecordsFlushed"/> when every one has answered or stopped (an entity stops when a
/// write fails, and then never answers), then stops itself.
/// </summary>
internal sealed class RecordFlusher : UntypedActor
{
    private readonly HashSet<IActorRef> _pending;
    private readonly IActorRef _replyTo;

    public RecordFlusher(IReadOnlyCollection<IActorRef> entities, IActorRef replyTo)
    {
        _pending = [.. entities];
        _replyTo = replyTo;
    }

    public static Props Props(IReadOnlyCollection<IActorRef> entities, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new RecordFlusher(entities, replyTo));

    protected override void PreStart()
    {
        foreach (var entity in _pending)
        {
            Context.Watch(entity);
            entity.Tell(FlushRecords.Instance);
        }
        DoneWhenNoneLeft();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RecordsFlushed:
                Answered(Sender);
                break;
            case Terminated terminated:
                Answered(terminated.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Answered(IActorRef entity)
    {
        if (!_pending.Remove(entity))
            return;
        Context.Unwatch(entity);
        DoneWhenNoneLeft();
    }

    private void DoneWhenNoneLeft()
    {
        if (_pending.Count > 0)
            return;
        _replyTo.Tell(RecordsFlushed.Instance);
        Context.Stop(Self);
    }
}
