using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Img.Coordinator.Builds;
using Img.Coordinator.Endpoint;
using Img.Engine.Content.Local;
using Img.Engine.Images.Local;
using Img.Engine.Transfer.Serving;
using Img.Messages.Client;
using Img.Messages.Hosting;
using Img.Messages.Security;

namespace Img.Coordinator.Hosting;

/// <summary>
/// An <c>img coordinator</c> process: an Akka.Cluster member with the <c>coordinator</c> role
/// (scheduler, vertex shards, builds, cache journal), the client endpoint clients and joining
/// members talk to, and a blob server for the context files clients upload, which nodes fetch.
/// On a secured cluster every one of them is TLS: the client endpoint with this member's
/// certificate (clients pin the CA through their token and prove the secret in their hello), the
/// blob server and Akka remoting with mutual authentication (members only).
/// </summary>
public sealed class CoordinatorHost : IAsyncDisposable
{
    private readonly BlobServer _blobs;
    private readonly HttpClient _peers;

    private CoordinatorHost(ActorSystem system, CoordinatorRuntime runtime, ClientEndpoint endpoint, BlobServer blobs, HttpClient peers, string name, ClusterToken? token)
    {
        System = system;
        Runtime = runtime;
        Endpoint = endpoint;
        _blobs = blobs;
        _peers = peers;
        Name = name;
        Token = token;
    }

    public ActorSystem System { get; }

    public CoordinatorRuntime Runtime { get; }

    public ClientEndpoint Endpoint { get; }

    public string Name { get; }

    /// <summary>The cluster's token on a secured cluster (null with <c>--insecure</c>).</summary>
    public ClusterToken? Token { get; }

    /// <summary>This member's Akka address.</summary>
    public string ClusterAddress => Cluster.Get(System).SelfAddress.ToString();

    public Uri BlobEndpoint => _blobs.BaseUri;

    /// <exception cref="ClusterConnectionException">A <c>--seed</c> coordinator could not be reached, or refused.</exception>
    /// <exception cref="ClusterSecurityException">The credentials in the state directory are unusable.</exception>
    public static async Task<CoordinatorHost> StartAsync(CoordinatorHostOptions options, CancellationToken cancellationToken)
    {
        if (options.Insecure)
            InsecureMode.RequireLoopback(options.Listen.Address.ToString(), "--listen");
        var (seeds, authority, member) = await CredentialsAsync(options, cancellationToken).ConfigureAwait(false);
        var remoting = member is null ? ClusterRemoting.Insecure() : ClusterRemoting.Secure(member);
        var content = LocalContentStore.Open(options.State);
        var blobs = new BlobServer(content, new BlobServerOptions
        {
            Bind = new IPEndPoint(options.Listen.Address, options.BlobPort),
            // nodes fetch context files with their member certificates; nobody else gets in
            Tls = member is null ? null : ClusterTls.ServerOptions(member, requireClientCertificate: true),
        });
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
                Remoting = remoting,
                RoleConfig = CachePersistence.Config(options.State, options.Database, options.Postgres),
                ExtraHocon = options.ExtraHocon,
            }, cancellationToken).ConfigureAwait(false);
            CachePersistence.WarmUp(system);
            var blobEndpoint = new UriBuilder(blobs.BaseUri) { Host = options.Advertise }.Uri.ToString().TrimEnd('/');
            var runtime = CoordinatorRuntime.StartCluster(system, start => new TableChecksumProvider(start.Checksums
                ?? throw new InvalidDataException("a build submitted to a cluster must carry the client's content checksums")), blobEndpoint);
            var peers = new HttpClient(member is null ? new SocketsHttpHandler() : ClusterTls.CreateMemberHttpHandler(member)) { Timeout = Timeout.InfiniteTimeSpan };
            IMemberEnrollment enrollment = authority is null ? new InsecureEnrollment(system) : new SecureEnrollment(authority, system);
            var imageConfigs = new ImageConfigCache(content, LocalImageStore.Open(options.State));
            var services = new EndpointServices(options.Name, runtime.Builds, runtime.Scheduler, runtime.Cache, content, runtime.Nodes, peers, enrollment, imageConfigs);
            var endpoint = member is null
                ? new ClientEndpoint(options.Listen, system, services, secure: null, authorize: _ => true)
                : new ClientEndpoint(options.Listen, system, services,
                    secure: async (stream, ct) => await ClusterTls.AuthenticateAsServerAsync(stream, member, requireClientCertificate: false, ct).ConfigureAwait(false),
                    authorize: authority!.Accepts);
            return new CoordinatorHost(system, runtime, endpoint, blobs, peers, options.Name, authority?.Token);
        }
        catch
        {
            if (system is not null)
                await system.Terminate().ConfigureAwait(false);
            await blobs.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Seeds and credentials. The first coordinator (no <c>--seed</c>) creates the cluster's
    /// authority in its state directory on its first start and issues its own certificate; one
    /// that joins gets the seeds, its certificate and the authority from a running coordinator.
    /// </summary>
    private static async Task<(IReadOnlyList<string> Seeds, ClusterAuthority? Authority, MemberCredentials? Member)> CredentialsAsync(
        CoordinatorHostOptions options, CancellationToken cancellationToken)
    {
        var directory = ClusterDirectory.For(options.State);
        var hosts = MemberHosts.Collect([options.Advertise, options.Listen.Address.ToString()]);
        if (options.Seeds.Count > 0)
        {
            if (!options.Insecure && options.Token is null)
                throw new ClusterConnectionException("joining a secured cluster needs its token (--token-file, or IMG_CLUSTER_TOKEN)");
            var joined = await ClusterEnrollment.JoinAsync(options.Seeds, "coordinator", options.Name, options.Insecure ? null : options.Token,
                directory, hosts, cancellationToken).ConfigureAwait(false);
            if (options.Insecure)
                return (joined.Seeds, null, null);
            if (joined.Authority is null)
                throw new ClusterConnectionException("the seed coordinator did not hand over the cluster authority");
            return (joined.Seeds, ClusterAuthority.Import(directory, joined.Authority, options.Token!), joined.Member);
        }
        if (options.Insecure)
            return ([], null, null);
        var authority = ClusterAuthority.LoadOrCreate(directory, out _);
        var member = MemberCredentials.Exists(directory) ? MemberCredentials.Load(directory) : null;
        if (member is null || !member.BelongsTo(authority.Token) || !member.Covers(hosts) || member.NeedsRenewal(DateTimeOffset.UtcNow))
        {
            member?.Dispose();
            member = MemberCredentials.IssueLocally(authority, directory, options.Name, hosts);
        }
        return ([], authority, member);
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
