using System.Net;
using Img.Engine.State;

namespace Img.Coordinator.Hosting;

/// <summary>How an <c>img coordinator</c> runs.</summary>
public sealed record CoordinatorHostOptions
{
    public required StateDirectory State { get; init; }

    /// <summary>The client endpoint (<c>--listen</c>).</summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>The Akka port, for members only (<c>--cluster-port</c>, default the client port + 1).</summary>
    public required int ClusterPort { get; init; }

    /// <summary>The blob server's port (default the client port + 2).</summary>
    public required int BlobPort { get; init; }

    /// <summary>The host name or address other members reach this one at (<c>--advertise</c>, default the listen address).</summary>
    public required string Advertise { get; init; }

    /// <summary>This coordinator's name (status, logs).</summary>
    public required string Name { get; init; }

    /// <summary>Client addresses of coordinators to join (<c>--seed</c>); none: this one starts the cluster.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    public CacheDatabase Database { get; init; } = CacheDatabase.Sqlite;

    /// <summary>The PostgreSQL connection string for <see cref="CacheDatabase.Postgres"/>.</summary>
    public string? Postgres { get; init; }

    /// <summary>No TLS and no token: allowed on loopback addresses only.</summary>
    public bool Insecure { get; init; }

    /// <summary>The cluster token, to join <see cref="Seeds"/> on a secured cluster (<c>--token-file</c>).</summary>
    public Img.Messages.Security.ClusterToken? Token { get; init; }

    /// <summary>HOCON laid over everything (tests, tuning).</summary>
    public string? ExtraHocon { get; init; }
}
