using Akka.Actor;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Queries;
using Img.Messages.Graphs;

namespace Img.Coordinator.Builds;

/// <summary>
/// The entry point for builds (<c>/user/builds</c>): <see cref="StartBuild"/> decodes the graph
/// and starts a <see cref="BuildCoordinatorActor"/> that reports to the sender; queries and
/// cancels are forwarded to the build's coordinator.
/// </summary>
public sealed class BuildsActor : UntypedActor
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "builds";

    private readonly IActorRef _vertices;
    private readonly Func<StartBuild, IContentChecksumProvider> _checksums;
    private readonly IResultAvailability? _availability;

    public BuildsActor(IActorRef vertices, Func<StartBuild, IContentChecksumProvider> checksums, IResultAvailability? availability = null)
    {
        _availability = availability;
        _vertices = vertices;
        _checksums = checksums;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartBuild start:
                Start(start);
                break;
            case CancelBuild cancel:
                ForwardOr(cancel.BuildId, cancel, () => new BuildFailed(cancel.BuildId, null, "no such build"));
                break;
            case GetBuildStatus query:
                ForwardOr(query.BuildId, query, () => new BuildStatusResult(query.BuildId, 0, 0, 0, true));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Start(StartBuild start)
    {
        var name = ChildName(start.BuildId);
        if (!Context.Child(name).IsNobody())
        {
            Sender.Tell(new BuildFailed(start.BuildId, null, $"build {start.BuildId} is already running"));
            return;
        }
        try
        {
            var graph = BuildGraphCodec.Decode(start.Graph);
            Context.ActorOf(BuildCoordinatorActor.Props(start.BuildId, graph, Sender, _vertices, _checksums(start), _availability), name);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or MessagePack.MessagePackSerializationException or System.Text.Json.JsonException)
        {
            Sender.Tell(new BuildFailed(start.BuildId, null, "invalid build graph: " + e.Message));
        }
    }

    /// <param name="availability">Checks cache hits against this node's snapshots (standalone); null trusts every record.</param>
    public static Props Props(IActorRef vertices, Func<StartBuild, IContentChecksumProvider> checksums, IResultAvailability? availability = null) =>
        Akka.Actor.Props.Create(() => new BuildsActor(vertices, checksums, availability));

    private void ForwardOr(BuildId id, object message, Func<object> otherwise)
    {
        var child = Context.Child(ChildName(id));
        if (child.IsNobody()) Sender.Tell(otherwise());
        else child.Forward(message);
    }

    private static string ChildName(BuildId id) => "build-" + Uri.EscapeDataString(id.Value);
}
