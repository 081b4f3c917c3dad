using Akka.Actor;

namespace Img.Node.Workers;

/// <summary>How a <see cref="NodeWorkerActor"/> is set up.</summary>
/// <param name="Node">The node's name (results are located by it).</param>
/// <param name="Slots">Vertices it runs at once.</param>
/// <param name="Vertices">Where answers go: the vertex region (local) or a shard region proxy (cluster), which routes them by key.</param>
/// <param name="Schedulers">Standalone: the scheduler(s) to report to; in a cluster they are found as coordinators join.</param>
/// <param name="BlobEndpoint">The base URL of this node's blob server ("" standalone).</param>
public sealed record NodeWorkerSettings(string Node, int Slots, IActorRef Vertices, IReadOnlyList<IActorRef> Schedulers, string BlobEndpoint = "")
{
    /// <summary>Whether schedulers are found through cluster membership (coordinator members' <c>/user/scheduler</c>).</summary>
    public bool Cluster { get; init; }

    /// <summary>The platforms advertised in heartbeats (<c>os/arch[/variant]</c>); null: any.</summary>
    public IReadOnlyList<string>? Platforms { get; init; }
}
