namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>What <see cref="ClusterProcesses.StartAsync"/> starts.</summary>
public sealed record ClusterOptions
{
    /// <summary>Nodes started with the cluster, named <c>n1</c>, <c>n2</c>, ... (more can be added later).</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Slots of every node started with the cluster.</summary>
    public int Slots { get; init; } = 2;

    /// <summary>A second coordinator (<c>c2</c>, <c>--seed</c> the first); nodes join through both.</summary>
    public bool SecondCoordinator { get; init; }

    /// <summary>The coordinators' <c>--db</c> (a <see cref="PostgresFixture"/> database), or null for SQLite in each state directory.</summary>
    public string? Database { get; init; }

    /// <summary>Extra arguments of some nodes, by name (<c>n1</c>: <c>["--platform", "linux/amd64"]</c>).</summary>
    public IReadOnlyDictionary<string, string[]> NodeArgs { get; init; } = new Dictionary<string, string[]>();

    /// <summary>The nodes' <c>--backend</c>.</summary>
    public string Backend { get; init; } = "auto";

    /// <summary>
    /// A secured cluster: no <c>--insecure</c>; the first coordinator creates the authority, its
    /// token (<c>img cluster token</c>) goes to a file that members join with (<c>--token-file</c>)
    /// and clients use (<c>--cluster-token-file</c>).
    /// </summary>
    public bool Secured { get; init; }

    /// <summary>HOCON every daemon lays over its configuration (<c>IMG_CLUSTER_HOCON</c>), or null.</summary>
    public string? Hocon { get; init; }

    /// <summary>How long a daemon may take to print its ready line, and the nodes to show in <c>img cluster status</c>.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
