using System.Threading.Channels;
using Akka.Actor;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;

namespace Img.Coordinator.Builds;

/// <summary>
/// Submits a build and follows it from outside the actor system (the CLI): progress events are
/// handed to a callback in order, and the outcome (<see cref="BuildCompleted"/> or
/// <see cref="BuildFailed"/>) is returned. Cancelling the token sends <see cref="CancelBuild"/>.
/// </summary>
public static class BuildClient
{
    public static async Task<IBuildEvent> RunAsync(ActorSystem system, IActorRef builds, StartBuild start, Action<IBuildEvent>? onProgress, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<IBuildEvent>(new UnboundedChannelOptions { SingleReader = true });
        var requester = system.ActorOf(Props.Create(() => new RequesterActor(events.Writer)));
        try
        {
            builds.Tell(start, requester);
            await using var _ = cancellationToken.Register(() => builds.Tell(new CancelBuild(start.BuildId), requester));
            await foreach (var e in events.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (e is BuildCompleted or BuildFailed)
                    return e;
                onProgress?.Invoke(e);
            }
            throw new InvalidOperationException("the build ended without an outcome");
        }
        finally
        {
            system.Stop(requester);
        }
    }

    /// <summary>Relays what a build reports into a channel.</summary>
    private sealed class RequesterActor(ChannelWriter<IBuildEvent> events) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is IBuildEvent e) events.TryWrite(e);
            else Unhandled(message);
        }
    }
}
