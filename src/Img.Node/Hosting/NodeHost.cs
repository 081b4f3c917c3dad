using Img.Engine.Platforms;
using Img.Engine.Execution.Emulation;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Registry;
using Img.Engine.Transfer;
using Img.Engine.Transfer.Serving;
using Img.Messages.Client;
using Img.Messages.Hosting;
using Img.Messages.Security;
using Img.Messages.Vertices;
using Img.Node.Remote;
using Img.Node.Workers;

namespace Img.Node.Hosting;

/// <summary>
/// An <c>img node</c> process: the node's engine (snapshotter, runc, stores), a blob server for
/// its content store, and an Akka.Cluster member with the <c>node</c> role whose worker takes
/// vertices from every coordinator's scheduler. The member joins through a coordinator's client
/// endpoint (which names the coordinators to join); when no coordinator has been reachable for a
/// while (a restarted coordinator starts a new cluster) it leaves and joins again, keeping its
/// stores, so the results it holds stay usable. Stopping drains: no new vertices, the running
/// ones finish (or the drain times out), then it leaves.
/// </summary>
public sealed class NodeHost
{
    private static readonly TimeSpan UsageInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RejoinDelay = TimeSpan.FromSeconds(2);

    private readonly NodeHostOptions _options;
    private readonly IContentStore _content;
    private readonly IImageStore _images;
    private readonly TextWriter _log;

    public NodeHost(NodeHostOptions options, IContentStore content, IImageStore images, TextWriter log)
    {
        _options = options;
        _content = content;
        _images = images;
        _log = log;
    }

    /// <summary>Set once the first join succeeded: the blob endpoint and the member's address.</summary>
    public event Action<string>? Joined;

    public async Task RunAsync(CancellationToken stop)
    {
        if (_options.Insecure)
            InsecureMode.RequireLoopback(_options.Bind.ToString(), "--bind");
        else if (_options.Token is null)
            throw new ClusterConnectionException("joining a secured cluster needs its token (--token-file, or IMG_CLUSTER_TOKEN)");
        var first = await JoinAsync(stop).ConfigureAwait(false);
        if (first is null)
            return;
        var member = first.Member;
        using var registries = new RegistryClients();
        await using var engine = NodeEngine.Create(_options.State, _content, _images, _options.Backend, registries);
        await using var blobs = new BlobServer(_content, new BlobServerOptions
        {
            Bind = new(_options.Bind, _options.BlobPort),
            // peers and coordinators fetch with their member certificates; nobody else gets in
            Tls = member is null ? null : ClusterTls.ServerOptions(member, requireClientCertificate: true),
        });
        blobs.Start();
        var blobEndpoint = $"{(member is null ? "http" : "https")}://{Host(_options.Advertise)}:{blobs.EndPoint.Port}";
        var peerClient = member is null ? PeerBlobSource.DefaultClientOptions : PeerBlobSource.DefaultClientOptions with { Handler = ClusterTls.CreateMemberHttpHandler(member) };
        var remoting = member is null ? ClusterRemoting.Insecure() : ClusterRemoting.Secure(member);
        var scratch = NodeEngine.ScratchOf(_options.State);
        Directory.CreateDirectory(scratch);
        var publisher = engine.Publisher;
        var fetcher = engine.Fetcher;
        var usage = new UsageMeter(_options.State);
        _ = usage.RunAsync(UsageInterval, stop);

        var seeds = first.Seeds;
        while (!stop.IsCancellationRequested)
        {
            var system = await ImgActorSystem.CreateAsync(ImgMode.Cluster, new ImgActorSystemOptions
            {
                Hostname = _options.Advertise,
                Port = _options.ClusterPort,
                SeedNodes = seeds,
                Roles = ["node"],
                Remoting = remoting,
                ExtraHocon = _options.ExtraHocon,
            }, stop).ConfigureAwait(false);
            var proxy = ClusterSharding.Get(system).StartProxy(VertexMessageExtractor.TypeName, "coordinator", new VertexMessageExtractor());
            var services = new ClusterNodeServices(system, _options.Name, _content, publisher, fetcher,
                holders => new PeerBlobSource(holders, peerClient), options => new RegistryClients(options), scratch,
                layers => new ResultPublisher(engine.Snapshotter.Snapshotter, _content, engine.Executor.Layers, layers));
            usage.Report = u => services.Usage = u;
            IReadOnlyList<string> platforms = _options.Platforms ?? [.. RunnablePlatforms.OfHost().Select(PlatformSpec.Format)];
            var settings = new NodeWorkerSettings(_options.Name, _options.Slots, proxy, [], blobEndpoint) { Cluster = true, Platforms = platforms };
            var worker = system.ActorOf(NodeWorkerActor.Props(engine.Executions, settings, services), NodeWorkerActor.Name);
            await _log.WriteLineAsync($"node {_options.Name} joined as {Cluster.Get(system).SelfAddress} (blobs at {blobEndpoint}, {_options.Slots} slots, platforms {string.Join(",", platforms)})").ConfigureAwait(false);
            Joined?.Invoke(blobEndpoint);

            var orphaned = await WatchAsync(system, stop).ConfigureAwait(false);
            if (!orphaned)
            {
                await _log.WriteLineAsync($"node {_options.Name}: draining").ConfigureAwait(false);
                // a system that dies meanwhile (downed by the split brain resolver) would never answer
                var drained = worker.Ask<NodeDrained>(DrainNode.Instance, _options.DrainTimeout);
                var ended = await Task.WhenAny(drained, system.WhenTerminated).ConfigureAwait(false);
                if (ended == drained && drained.IsFaulted)
                    await _log.WriteLineAsync($"node {_options.Name}: vertices still running after {_options.DrainTimeout}; leaving anyway").ConfigureAwait(false);
                else if (ended != drained)
                    _ = drained.ContinueWith(t => t.Exception, TaskScheduler.Default);
                await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
                await _log.WriteLineAsync($"node {_options.Name} left the cluster").ConfigureAwait(false);
                return;
            }
            await _log.WriteLineAsync($"node {_options.Name}: no coordinator reachable for {_options.OrphanTimeout.TotalSeconds:0} s; joining again").ConfigureAwait(false);
            await system.Terminate().ConfigureAwait(false);
            if (await JoinAsync(stop).ConfigureAwait(false) is not { } again)
                return;
            seeds = again.Seeds;
        }
    }

    /// <summary>Enrolls through a coordinator's client endpoint until one answers (null when stopped first).</summary>
    private async Task<ClusterEnrollment.Result?> JoinAsync(CancellationToken stop)
    {
        var directory = ClusterDirectory.For(_options.State);
        var hosts = MemberHosts.Collect([_options.Advertise, _options.Bind.ToString()]);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                return await ClusterEnrollment.JoinAsync(_options.Join, "node", _options.Name, _options.Insecure ? null : _options.Token, directory, hosts, stop).ConfigureAwait(false);
            }
            catch (ClusterRefusedException)
            {
                throw;
            }
            catch (ClusterConnectionException e)
            {
                await _log.WriteLineAsync($"node {_options.Name}: {e.Message}; trying again").ConfigureAwait(false);
                await Delay(RejoinDelay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
        return null;
    }

    /// <summary>Waits for a stop (false) or for the member to be orphaned or terminated (true).</summary>
    private async Task<bool> WatchAsync(ActorSystem system, CancellationToken stop)
    {
        var cluster = Cluster.Get(system);
        var lastSeen = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            if (system.WhenTerminated.IsCompleted)
                return true;
            var state = cluster.State;
            if (state.Members.Any(m => m.HasRole("coordinator") && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m)))
                lastSeen = DateTime.UtcNow;
            else if (DateTime.UtcNow - lastSeen > _options.OrphanTimeout)
                return true;
            await Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
        }
        return false;
    }

    private static string Host(string host) => host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
