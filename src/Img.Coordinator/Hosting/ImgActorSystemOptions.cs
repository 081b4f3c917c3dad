namespace Img.Coordinator.Hosting;

/// <summary>Settings of <see cref="ImgActorSystem.CreateAsync"/> beyond mode and state directory.</summary>
public sealed record ImgActorSystemOptions
{
    /// <summary>The actor system name; every member of a cluster uses the same.</summary>
    public string SystemName { get; init; } = "img";

    public CacheDatabase Cache { get; init; } = CacheDatabase.Sqlite;

    /// <summary>Required for <see cref="CacheDatabase.Postgres"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Cluster: the address this member binds and advertises.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Cluster: the TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Cluster: <c>host:port</c> of seed nodes (an empty list makes this member its own seed).</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Cluster: <c>coordinator</c> and/or <c>node</c>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Start the journal while the caller prepares the build, so the first cache lookup does not pay for it.</summary>
    public bool WarmUpJournal { get; init; } = true;

    /// <summary>HOCON that overrides everything else (tests, tuning).</summary>
    public string? ExtraHocon { get; init; }
}
