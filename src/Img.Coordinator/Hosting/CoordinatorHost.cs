using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Img.Coordinator.Builds;
using Img.Coordinator.Endpoint;
using Img.Engine.Content.Local;
using Img.Engine.Transfer.Serving;
using Img.Messages.Client;
using Img.Messages.Hosting;

namespace Img.Coordinator.Hosting;

/// <summary>
/// An <c>img coordinator</c> process: an Akka.Cluster member with the <c>coordinator</c> role
/// (scheduler, vertex shards, builds, cache journal), the client endpoint clients and joining
/// members talk to, and a blob server for the context files clients upload, which nodes fetch.
/// </summary>
public sealed class CoordinatorHost : IAsyncDisposable
{
    private readonly BlobServer _blobs;
    private readonly HttpClient _peers;

    private CoordinatorHost(ActorSystem system, CoordinatorRuntime runtime, ClientEndpoint endpoint, BlobServer blobs, HttpClient peers, string name)
    {
        System = system;
        Runtime = runtime;
        Endpoint = endpoint;
        _blobs = blobs;
        _peers = peers;
        Name = name;
    }

    public ActorSystem System { get; }

    public CoordinatorRuntime Runtime { get; }

    public ClientEndpoint Endpoint { get; }

    public string Name { get; }

    /// <summary>This member's Akka address.</summary>
    public string ClusterAddress => Cluster.Get(System).SelfAddress.ToString();

    public Uri BlobEndpoint => _blobs.BaseUri;

    /// <exception cref="ClusterConnectionException">A <c>--seed</c> coordinator could not be reached.</exception>
    public static async Task<CoordinatorHost> StartAsync(CoordinatorHostOptions options, CancellationToken cancellationToken)
    {
        if (options.Insecure && !IPAddress.IsLoopback(options.Listen.Address))
            throw new InvalidOperationException($"--insecure only listens on loopback addresses, not {options.Listen.Address}");
        var seeds = await SeedsAsync(options, cancellationToken).ConfigureAwait(false);
        var content = LocalContentStore.Open(options.State);
        var blobs = new BlobServer(content, new BlobServerOptions { Bind = new IPEndPoint(options.Listen.Address, options.BlobPort) });
        blobs.Start();
        ActorSystem? system = null;
        try
        {
            system = await ImgActorSystem.CreateAsync(ImgMode.Cluster, new ImgActorSystemOptions
            {
                Hostname = options.Advertise,
                Port = options.ClusterPort,
                SeedNodes = seeds,
                Roles = ["coordinator"],
                RoleConfig = CachePersistence.Config(options.State, options.Database, options.Postgres),
                ExtraHocon = options.ExtraHocon,
            }, cancellationToken).ConfigureAwait(false);
            CachePersistence.WarmUp(system);
            var blobEndpoint = new UriBuilder(blobs.BaseUri) { Host = options.Advertise }.Uri.ToString().TrimEnd('/');
            var runtime = CoordinatorRuntime.StartCluster(system, start => new TableChecksumProvider(start.Checksums
                ?? throw new InvalidDataException("a build submitted to a cluster must carry the client's content checksums")), blobEndpoint);
            var peers = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var name = options.Name;
            var services = new EndpointServices(name, runtime.Builds, runtime.Scheduler, runtime.Cache, content, runtime.Nodes, peers,
                new InsecureEnrollment(system));
            var endpoint = new ClientEndpoint(options.Listen, system, services, secure: null, authorize: secret => options.Insecure);
            return new CoordinatorHost(system, runtime, endpoint, blobs, peers, name);
        }
        catch
        {
            if (system is not null)
                await system.Terminate().ConfigureAwait(false);
            await blobs.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The Akka addresses of the coordinators named by <c>--seed</c> (their client endpoints tell them).</summary>
    private static async Task<IReadOnlyList<string>> SeedsAsync(CoordinatorHostOptions options, CancellationToken cancellationToken)
    {
        if (options.Seeds.Count == 0)
            return [];
        await using var connection = await ClusterConnection.ConnectAsync(options.Seeds, new ClusterClientOptions { ClientName = "coordinator " + options.Name }, cancellationToken).ConfigureAwait(false);
        connection.Send(new EnrollMember("coordinator", options.Name, ""));
        await foreach (var message in connection.Incoming.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message is MemberEnrolled enrolled)
            {
                if (enrolled.Error.Length > 0)
                    throw new ClusterConnectionException($"{connection.Address} refused to enroll this coordinator: {enrolled.Error}");
                return enrolled.Seeds;
            }
        }
        throw new ClusterConnectionException($"{connection.Address} closed the connection while enrolling");
    }

    /// <summary>Leaves the cluster (shards hand over to the other coordinators), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await Endpoint.DisposeAsync().ConfigureAwait(false);
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        await _blobs.DisposeAsync().ConfigureAwait(false);
        _peers.Dispose();
    }
}
