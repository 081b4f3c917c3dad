using System.Net;
using Img.Engine.State;

namespace Img.Node.Hosting;

/// <summary>How an <c>img node</c> runs.</summary>
public sealed record NodeHostOptions
{
    public required StateDirectory State { get; init; }

    /// <summary>Client addresses of coordinators (<c>--join</c>): asked for the cluster's addresses (and certificates) on every join.</summary>
    public required IReadOnlyList<string> Join { get; init; }

    /// <summary>The node's name: results it holds are located by it (<c>--name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Vertices it runs at once (<c>--slots</c>).</summary>
    public required int Slots { get; init; }

    /// <summary>
    /// The platforms advertised (<c>os/arch[/variant]</c>, <c>img node --platform</c>), as buildkitd's
    /// <c>--oci-worker-platform</c>; null: what this host runs (<c>RunnablePlatforms</c>).
    /// </summary>
    public IReadOnlyList<string>? Platforms { get; init; }

    /// <summary>The address other members and the coordinators reach this node at (<c>--advertise</c>).</summary>
    public required string Advertise { get; init; }

    /// <summary>Where its Akka port and its blob server listen.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>The Akka port (0: any free one).</summary>
    public int ClusterPort { get; init; }

    /// <summary>The blob server's port (0: any free one).</summary>
    public int BlobPort { get; init; }

    /// <summary>auto, overlayfs, native or fuse-overlayfs.</summary>
    public string Backend { get; init; } = "auto";

    /// <summary>No TLS and no token: loopback only.</summary>
    public bool Insecure { get; init; }

    /// <summary>The cluster token (<c>--token-file</c>); required unless <see cref="Insecure"/>.</summary>
    public Img.Messages.Security.ClusterToken? Token { get; init; }

    /// <summary>A node with no reachable coordinator for this long leaves its cluster and joins again (a restarted coordinator forms a new one).</summary>
    public TimeSpan OrphanTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long SIGTERM waits for running vertices before leaving anyway.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>HOCON laid over everything (tests, tuning).</summary>
    public string? ExtraHocon { get; init; }
}
