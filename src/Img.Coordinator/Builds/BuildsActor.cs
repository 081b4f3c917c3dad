using Akka.Actor;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Sessions;
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

    /// <summary>
    /// In a cluster, the largest vertex definition a build may have: a vertex crosses Akka remoting
    /// in one message (hocon/cluster.conf allows frames of 4 MiB).
    /// </summary>
    public const int MaxVertexBytes = 3 * 1024 * 1024;

    private readonly IActorRef _vertices;
    private readonly Func<StartBuild, IContentChecksumProvider> _checksums;
    private readonly IResultAvailability? _availability;
    private readonly string? _blobEndpoint;
    private readonly Task? _settled;

    /// <param name="blobEndpoint">Cluster: the coordinator's blob endpoint, which serves the context files clients upload (builds then get a <see cref="BuildSession"/>); null in one process.</param>
    /// <param name="settled">Completes when results located on nodes can be judged (see <c>NodeDirectory.WhenSettled</c>).</param>
    public BuildsActor(IActorRef vertices, Func<StartBuild, IContentChecksumProvider> checksums, IResultAvailability? availability = null, string? blobEndpoint = null, Task? settled = null)
    {
        _availability = availability;
        _vertices = vertices;
        _checksums = checksums;
        _blobEndpoint = blobEndpoint;
        _settled = settled;
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
            case IBuildSessionMessage session:
                ForwardOr(session.BuildId, session, () => session switch
                {
                    ReadSecret r => new SecretRead(r.BuildId, null, $"build {r.BuildId} is over"),
                    ExchangeSshAgent x => new SshAgentExchanged(x.BuildId, null, $"build {x.BuildId} is over"),
                    _ => new ContextOpened(session.BuildId, null, $"build {session.BuildId} is over"),
                });
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
            if (_blobEndpoint is not null && Oversized(graph) is { } error)
            {
                Sender.Tell(new BuildFailed(start.BuildId, null, error));
                return;
            }
            var session = _blobEndpoint is null ? null : new BuildSession(start.BuildId, ChildAddress(name), _blobEndpoint, start.CacheLogins, start.InsecureRegistries, start.SshAgents);
            var imports = ImportsOf(start, Sender);
            Context.ActorOf(BuildCoordinatorActor.Props(start.BuildId, graph, Sender, _vertices, _checksums(start), _availability, session, _settled,
                imports, start.CacheExport), name);
        }
        catch (InvalidDataException e) // BuildGraphCodec turns every decoding failure into one
        {
            Sender.Tell(new BuildFailed(start.BuildId, null, "invalid build graph: " + e.Message));
        }
    }

    /// <summary>The build's cache imports; one this coordinator cannot read is left out with a warning (the client read it, so another img version sent it).</summary>
    private static CacheImports ImportsOf(StartBuild start, IActorRef requester)
    {
        if (start.CacheImports is not { Count: > 0 } sources)
            return CacheImports.None;
        var imports = new List<ImportedCache>();
        foreach (var source in sources)
        {
            try
            {
                imports.Add(new ImportedCache(source.Source, source.Blob, CacheDescription.Parse(source.Description)));
            }
            catch (InvalidDataException e)
            {
                requester.Tell(new BuildWarning(start.BuildId, $"cache {source.Source} is not used: {e.Message}"));
            }
        }
        return new CacheImports(imports);
    }

    private static string? Oversized(Engine.Graph.BuildGraph graph)
    {
        foreach (var vertex in graph.Vertices)
        {
            var size = BuildGraphCodec.EncodeVertex(vertex).Length;
            if (size > MaxVertexBytes)
            {
                var where = vertex.Metadata.Line > 0 ? $" (Dockerfile line {vertex.Metadata.Line})" : "";
                return $"{vertex.Metadata.Description}{where} is {size} bytes once encoded; a cluster takes steps of at most {MaxVertexBytes} bytes: move the large content into the build context";
            }
        }
        return null;
    }

    /// <param name="availability">Checks cache hits (standalone: against this process's snapshots; cluster: the holder is a live node); null trusts every record.</param>
    public static Props Props(IActorRef vertices, Func<StartBuild, IContentChecksumProvider> checksums, IResultAvailability? availability = null, string? blobEndpoint = null, Task? settled = null) =>
        Akka.Actor.Props.Create(() => new BuildsActor(vertices, checksums, availability, blobEndpoint, settled));

    // nodes ask the build's coordinator by path, from other processes
    private string ChildAddress(string name) =>
        Self.Path.Child(name).ToStringWithAddress(((ExtendedActorSystem)Context.System).Provider.DefaultAddress);

    private void ForwardOr(BuildId id, object message, Func<object> otherwise)
    {
        var child = Context.Child(ChildName(id));
        if (child.IsNobody()) Sender.Tell(otherwise());
        else child.Forward(message);
    }

    private static string ChildName(BuildId id) => "build-" + Uri.EscapeDataString(id.Value);
}
