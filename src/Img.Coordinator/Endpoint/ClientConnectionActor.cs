using Akka.Actor;
using Akka.Cluster;
using Img.Engine.Content;
using Img.Engine.Context.Remote;
using Img.Engine.Oci;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Sessions;
using Img.Messages.Cache.Queries;
using Img.Messages.Client;
using Img.Messages.Client.Framing;
using Img.Messages.Scheduling.Queries;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// One client connected to this coordinator (an <c>img build --cluster</c>, <c>img cluster status</c>
/// or a member enrolling), after its hello was accepted. Frames from the client arrive as messages
/// (the connection's read loop tells them); what goes back is queued on the
/// <see cref="FramedConnection"/>. It submits the client's builds to the builds actor as their
/// requester, so their progress comes here and goes out as frames; it carries the questions nodes
/// ask about the client's side of a build (<see cref="OpenContext"/>, <see cref="ReadSecret"/>, <see cref="ExchangeSshAgent"/>) to the
/// client and the answers back; and it serves the client's reads of built blobs and pushes.
/// When the connection closes, the builds it started are cancelled.
/// </summary>
public sealed class ClientConnectionActor : UntypedActor
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    private readonly FramedConnection _connection;
    private readonly EndpointServices _services;
    private readonly ContextUploads _uploads;
    private readonly CancellationTokenSource _closed = new();
    private readonly HashSet<BuildId> _builds = [];
    private readonly Dictionary<long, (IActorRef Asker, BuildId Build)> _contextRequests = new();
    private readonly Dictionary<long, (IActorRef Asker, BuildId Build)> _secretRequests = new();
    private readonly Dictionary<long, (IActorRef Asker, BuildId Build)> _sshRequests = new();
    private long _nextRequest;

    public ClientConnectionActor(FramedConnection connection, EndpointServices services, ContextUploads uploads)
    {
        _connection = connection;
        _services = services;
        _uploads = uploads;
    }

    public static Props Props(FramedConnection connection, EndpointServices services, ContextUploads uploads) =>
        Akka.Actor.Props.Create(() => new ClientConnectionActor(connection, services, uploads));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartBuild start:
                _builds.Add(start.BuildId);
                _services.Builds.Tell(start, Self);
                break;
            case CancelBuild cancel:
                _services.Builds.Tell(cancel, Self);
                break;
            case IBuildEvent e:
                if (e is BuildCompleted or BuildFailed)
                    _builds.Remove(e.BuildId);
                _connection.Send(e);
                break;
            case OpenContext open:
                var contextId = ++_nextRequest;
                _contextRequests[contextId] = (Sender, open.BuildId);
                _connection.Send(new ContextListRequest(contextId, open.Source, open.Selections));
                break;
            case ContextListing listing:
                OnListing(listing);
                break;
            case ContextReady ready:
                if (_contextRequests.Remove(ready.RequestId, out var contextAsker))
                    contextAsker.Asker.Tell(new ContextOpened(contextAsker.Build, ready.Listing, ready.Error));
                break;
            case ReadSecret read:
                var secretId = ++_nextRequest;
                _secretRequests[secretId] = (Sender, read.BuildId);
                _connection.Send(new SecretRequest(secretId, read.Id));
                break;
            case SecretValue value:
                if (_secretRequests.Remove(value.RequestId, out var secretAsker))
                    secretAsker.Asker.Tell(new SecretRead(secretAsker.Build, value.Value, value.Error));
                break;
            case ExchangeSshAgent exchange:
                var sshId = ++_nextRequest;
                _sshRequests[sshId] = (Sender, exchange.BuildId);
                _connection.Send(new SshAgentRequest(sshId, exchange.Id, exchange.Connection, exchange.Request));
                break;
            case SshAgentReply reply:
                if (_sshRequests.Remove(reply.RequestId, out var sshAsker))
                    sshAsker.Asker.Tell(new SshAgentExchanged(sshAsker.Build, reply.Reply, reply.Error));
                break;
            case ReadBlob read:
                ReadBlob(read);
                break;
            case PushImage push:
                Push(push);
                break;
            case PublishCache cache:
                PublishCache(cache);
                break;
            case CachePublished published:
                _connection.Send(published);
                break;
            case GetClusterStatus:
                StatusAsync(Context.System).PipeTo(Self, success: s => (object)s, failure: e => new ClusterStatusResult(_services.Coordinator, [], [], -1, 0, 0));
                break;
            case ClusterStatusResult status:
                _connection.Send(status);
                break;
            case EnrollMember enroll:
                _services.Enrollment.EnrollAsync(enroll, _closed.Token).PipeTo(Self,
                    success: r => (object)r,
                    failure: e => new MemberEnrolled("", "", [], null, "enrollment failed: " + e.Message));
                break;
            case MemberEnrolled enrolled:
                _connection.Send(enrolled);
                break;
            case ImagePushed pushed:
                _connection.Send(pushed);
                break;
            case ResolveImageConfig resolve:
                var connection = _connection;
                _services.ImageConfigs.ResolveAsync(resolve, _closed.Token).ContinueWith(t =>
                    connection.Send(t.IsCompletedSuccessfully ? t.Result : new ImageConfigResolved(resolve.RequestId, [], "", t.Exception?.GetBaseException().Message ?? "cancelled")),
                    TaskScheduler.Default);
                break;
            case ConnectionClosed:
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        _closed.Cancel();
        foreach (var build in _builds)
            _services.Builds.Tell(new CancelBuild(build), ActorRefs.NoSender);
        var gone = new IOException("the client disconnected");
        _uploads.FailAll(gone);
        foreach (var (asker, build) in _contextRequests.Values)
            asker.Tell(new ContextOpened(build, null, gone.Message));
        foreach (var (asker, build) in _secretRequests.Values)
            asker.Tell(new SecretRead(build, null, gone.Message));
        foreach (var (asker, build) in _sshRequests.Values)
            asker.Tell(new SshAgentExchanged(build, null, gone.Message));
        _closed.Dispose();
    }

    private void OnListing(ContextListing listing)
    {
        if (!_contextRequests.ContainsKey(listing.RequestId))
            return;
        if (listing.Error.Length > 0)
        {
            Self.Tell(new ContextReady(listing.RequestId, null, listing.Error));
            return;
        }
        StoreListingAsync(listing).PipeTo(Self, success: d => new ContextReady(listing.RequestId, d, ""),
            failure: e => new ContextReady(listing.RequestId, null, "the client's context: " + (e.InnerException ?? e).Message));
    }

    /// <summary>Keeps the listing as a blob, then asks the client for the files this coordinator lacks and waits for them.</summary>
    private async Task<Descriptor> StoreListingAsync(ContextListing listing)
    {
        var content = _services.Content;
        var token = _closed.Token;
        var document = ContextListingDocument.Parse(listing.Listing);
        var info = await content.WriteBlobAsync(listing.Listing, cancellationToken: token).ConfigureAwait(false);
        var missing = new List<string>();
        foreach (var digest in document.Entries.Select(e => e.Digest).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!Digest.TryParse(digest, out var parsed))
                throw new InvalidDataException($"context listing: invalid digest {digest}");
            if (!await content.ExistsAsync(parsed, token).ConfigureAwait(false))
                missing.Add(digest);
        }
        var uploaded = _uploads.ExpectAsync(listing.RequestId, missing);
        if (missing.Count > 0)
            _connection.Send(new ContextFilesRequest(listing.RequestId, missing));
        await uploaded.WaitAsync(token).ConfigureAwait(false);
        return new Descriptor { MediaType = ContextListingDocument.MediaType, Digest = info.Digest.ToString(), Size = info.Size };
    }

    private void ReadBlob(ReadBlob read)
    {
        var holder = read.Location.Length > 0 ? _services.Nodes.Find(read.Location) : _services.Nodes.Available.FirstOrDefault();
        if (holder is null)
        {
            _connection.Send(new BlobChunk(read.RequestId, [], true, $"{read.Blob.Digest}: node {read.Location} is not in the cluster any more"));
            return;
        }
        var connection = _connection;
        _ = BlobRelay.RelayAsync(_services.Peers, holder.BlobEndpoint, read.Blob, read.RequestId, connection.Send, _closed.Token);
    }

    private void Push(PushImage push)
    {
        var holder = _services.Nodes.Find(push.Location);
        if (holder is null)
        {
            _connection.Send(new ImagePushed(push.RequestId, $"node {push.Location}, which holds the image, is not in the cluster any more"));
            return;
        }
        Context.ActorSelection(holder.Worker).Ask<ImagePushed>(push, PushTimeout)
            .PipeTo(Self, success: p => p, failure: e => new ImagePushed(push.RequestId, "push: " + e.Message));
    }

    private void PublishCache(PublishCache cache)
    {
        var holder = _services.Nodes.Find(cache.Location);
        if (holder is null)
        {
            _connection.Send(new CachePublished(cache.RequestId, [], $"node {cache.Location}, which holds results the cache export needs, is not in the cluster any more"));
            return;
        }
        Context.ActorSelection(holder.Worker).Ask<CachePublished>(cache, PushTimeout)
            .PipeTo(Self, success: p => p, failure: e => new CachePublished(cache.RequestId, [], "cache export: " + e.Message));
    }

    // runs off the actor's thread: nothing here may touch Context
    private async Task<ClusterStatusResult> StatusAsync(ActorSystem system)
    {
        var loads = await _services.Scheduler.Ask<ClusterStatusResult>(GetClusterStatus.Instance, StatusTimeout).ConfigureAwait(false);
        long records;
        try
        {
            records = (await _services.Cache.Ask<CacheRecordsCounted>(new CountCacheRecords(), StatusTimeout).ConfigureAwait(false)).Count;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            records = -1;
        }
        var state = Cluster.Get(system).State;
        var members = state.Members.Select(m => new Img.Messages.Scheduling.Queries.MemberStatus(m.Address.ToString(),
            m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(), m.Status.ToString(), !state.Unreachable.Contains(m))).ToList();
        return loads with { Coordinator = _services.Coordinator, Members = members, CacheRecords = records };
    }

    private sealed record ContextReady(long RequestId, Descriptor? Listing, string Error);
}

/// <summary>In-process: the client's connection closed (or broke).</summary>
public sealed class ConnectionClosed
{
    public static ConnectionClosed Instance { get; } = new();

    private ConnectionClosed()
    {
    }
}
