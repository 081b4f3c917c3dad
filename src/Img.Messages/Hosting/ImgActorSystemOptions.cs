using Akka.Configuration;
using Img.Messages.Security;

namespace Img.Messages.Hosting;

/// <summary>Settings of <see cref="ImgActorSystem.CreateAsync"/> beyond the mode.</summary>
public sealed record ImgActorSystemOptions
{
    /// <summary>The actor system name; every member of a cluster uses the same.</summary>
    public string SystemName { get; init; } = "img";

    /// <summary>Cluster: the address this member binds and advertises.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Cluster: the TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Cluster: Akka addresses (<c>akka.ssl.tcp://img@host:port</c>) or <c>host:port</c> of seed
    /// members; an empty list makes this member its own seed.
    /// </summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Cluster: <c>coordinator</c> and/or <c>node</c>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>
    /// Cluster: how members talk (TLS with mutual authentication, or <c>--insecure</c> on loopback);
    /// it also decides the scheme of every member address. Null: insecure.
    /// </summary>
    public ClusterRemoting? Remoting { get; init; }

    /// <summary>Configuration a role contributes (the coordinator's cache persistence), under <see cref="ExtraHocon"/>.</summary>
    public Config? RoleConfig { get; init; }

    /// <summary>HOCON that overrides everything else (tests, tuning).</summary>
    public string? ExtraHocon { get; init; }
}
