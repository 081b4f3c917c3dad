using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Sources;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Sessions;
using Img.Messages.Client;
using Img.Messages.Client.Framing;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// <c>img build --cluster</c>: the graph goes to a coordinator's client endpoint, with the content
/// checksums of everything it reads from the context (taken here, so the coordinator has every
/// cache key before a file moves); the coordinator asks for the files and secrets the steps that
/// run need (<see cref="ClusterSession"/>). If the coordinator goes away mid-build, the build is
/// submitted again to the next address of <c>--cluster</c> (finished steps are cache hits there),
/// else it fails with a clear error. The image stays on the node that exported it: outputs that
/// need it here fetch only the blobs this store lacks; <c>--push</c> pushes from the node.
/// </summary>
internal sealed class ClusterBuildBackend : IBuildBackend
{
    // the graph goes in one frame of the client protocol, with room for the checksum table
    private const int MaxGraphBytes = FrameReader.MaxFrameBytes / 2;

    private readonly StateScope _scope;
    private readonly IReadOnlyList<string> _addresses;
    private readonly ClusterClientOptions _options;
    private readonly TextWriter _error;
    private readonly LocalSources _sources = new();
    private readonly Dictionary<string, BuildContext> _contexts = new(StringComparer.Ordinal);
    private readonly ClusterSession _session;
    private readonly ClusterSshAgents _sshAgents;
    private readonly ICredentialStore? _credentials;
    private readonly Task<ClusterConnection> _connecting;
    private readonly StartupTrace _trace;
    private ClusterConnection _connection = null!;
    private bool _firstEventSeen;

    private ClusterBuildBackend(Task<ClusterConnection> connecting, StateScope scope, ICredentialStore? credentials, IReadOnlyList<string> insecureRegistries,
        IReadOnlyDictionary<string, string> secrets, IReadOnlyDictionary<string, string> sshAgents, IReadOnlyList<string> addresses, ClusterClientOptions options, TextWriter error,
        StartupTrace trace, bool pull)
    {
        _connecting = connecting;
        _trace = trace;
        _credentials = credentials;
        _scope = scope;
        _addresses = addresses;
        _options = options;
        _error = error;
        ImageConfigs = new CoordinatorImageConfigResolver(new BaseImageLocator(scope.Content, scope.Images, null), ConnectedAsync, credentials, insecureRegistries, pull);
        _sshAgents = new ClusterSshAgents(sshAgents);
        _session = new ClusterSession(() => _connection, _contexts, secrets, _sshAgents);
    }

    public IImageConfigResolver ImageConfigs { get; }

    /// <summary>
    /// Starts connecting (TCP, TLS, hello) in the background, so the handshakes overlap with the
    /// Dockerfile's conversion; <see cref="BuildAsync"/> waits for it.
    /// </summary>
    public static ClusterBuildBackend Connect(StateScope scope, ICredentialStore? credentials, IReadOnlyList<string> insecureRegistries, IReadOnlyDictionary<string, string> secrets,
        IReadOnlyDictionary<string, string> sshAgents, IReadOnlyList<string> addresses, ClusterClientOptions options, TextWriter error, StartupTrace trace,
        CancellationToken cancellationToken, bool pull = false)
    {
        var connecting = Task.Run(async () =>
        {
            var connection = await ClusterConnection.ConnectAsync(addresses, options, cancellationToken);
            trace.Mark($"connected to coordinator {connection.Coordinator}");
            return connection;
        }, cancellationToken);
        return new ClusterBuildBackend(connecting, scope, credentials, insecureRegistries, secrets, sshAgents, addresses, options, error, trace, pull);
    }

    /// <exception cref="UserFacingException">No coordinator could be reached, or the token was refused.</exception>
    private async Task<ClusterConnection> ConnectedAsync()
    {
        if (_connection is not null)
            return _connection;
        try
        {
            return _connection = await _connecting;
        }
        catch (ClusterConnectionException e)
        {
            throw new UserFacingException(e.Message, 1, e);
        }
    }

    public void ServeContext(string name, BuildContext context)
    {
        _contexts[name] = context;
        _sources.Register(name, context);
    }

    public async Task<IBuildEvent> BuildAsync(StartBuild start, BuildGraph graph, Action<IBuildEvent> onProgress, CancellationToken cancellationToken)
    {
        if (start.Graph.Length > MaxGraphBytes)
            throw new UserFacingException($"the build graph is {start.Graph.Length} bytes; a cluster takes graphs of at most {MaxGraphBytes} bytes: move large content (heredocs, long RUN lines) into the build context");
        IReadOnlyList<ContextChecksum> checksums;
        try
        {
            checksums = await ChecksumRecorder.TakeAsync(graph, new ContextChecksumProvider(_sources), cancellationToken);
        }
        catch (CacheKeyException e)
        {
            // the step whose source is missing fails here, before the coordinator hears of the
            // build, reported as the coordinator reports it in one process
            var description = graph[e.Vertex].Metadata.Description;
            onProgress(new VertexStarted(start.BuildId, e.Vertex, description));
            onProgress(new VertexFailed(start.BuildId, e.Vertex, description, e.Message, 0));
            return new BuildFailed(start.BuildId, e.Vertex, e.Message);
        }
        start = start with { Checksums = checksums };
        _trace.Mark("context checksums taken");
        await ConnectedAsync();
        await using var cancel = cancellationToken.Register(() => _connection.Send(new CancelBuild(start.BuildId)));
        for (var attempt = 0; ; attempt++)
        {
            _connection.Send(start);
            _trace.Mark("build submitted");
            var outcome = await FollowAsync(onProgress, cancellationToken);
            if (outcome is not null)
                return outcome;
            cancellationToken.ThrowIfCancellationRequested();
            var lost = _connection;
            if (attempt >= _addresses.Count)
                throw new UserFacingException($"lost the connection to coordinator {lost.Coordinator} ({lost.Address}) and no other coordinator of --cluster answered");
            await _error.WriteLineAsync($"WARNING: lost the connection to coordinator {lost.Coordinator} ({lost.Address}); submitting the build again");
            var others = _addresses.Where(a => a != lost.Address).Append(lost.Address).ToList();
            try
            {
                _connection = await ClusterConnection.ConnectAsync(others, _options, cancellationToken);
            }
            catch (ClusterConnectionException e)
            {
                // the lost connection stays _connection: DisposeAsync closes it, once (a second close throws)
                throw new UserFacingException($"lost the connection to coordinator {lost.Coordinator} ({lost.Address}): {e.Message}", 1, e);
            }
            await lost.DisposeAsync();
        }
    }

    /// <summary>Relays progress and answers the session until the outcome; null when the connection was lost first.</summary>
    private async Task<IBuildEvent?> FollowAsync(Action<IBuildEvent> onProgress, CancellationToken cancellationToken)
    {
        var answering = new List<Task>();
        try
        {
            await foreach (var message in _connection.Incoming.ReadAllAsync(cancellationToken))
            {
                switch (message)
                {
                    case BuildCompleted or BuildFailed:
                        return (IBuildEvent)message;
                    case IBuildEvent e:
                        if (!_firstEventSeen)
                        {
                            _firstEventSeen = true;
                            _trace.Mark("first build event");
                        }
                        onProgress(e);
                        break;
                    case ContextListRequest or ContextFilesRequest or SecretRequest or SshAgentRequest:
                        // files can be large: the events keep flowing while they are sent
                        answering.Add(Task.Run(() => _session.AnswerAsync(message, cancellationToken), cancellationToken));
                        break;
                }
            }
        }
        catch (IOException)
        {
            // the coordinator went away: the caller resubmits elsewhere
        }
        return null;
    }

    public async Task DeliverAsync(BuildOutputs outputs, BuildRequest request, CacheResult target, IProgressStep exporter, CancellationToken cancellationToken)
    {
        var manifest = target.Image ?? throw new UserFacingException("the build produced no image");
        var location = target.Location;
        var local = !request.Push || request.Outputs.Any(o => o.Type != OutputType.Registry);
        // the documents always (the image id is printed and written); layers when an output reads them
        await RemoteBlobs.EnsureAsync(_connection, _scope.Content, manifest, location, cancellationToken);
        var documents = new List<byte[]> { await Engine.Content.ContentExtensions.ReadAllBytesAsync(_scope.Content, manifest, cancellationToken) };
        // a multi-platform build's index: the node that wrote it gathered every platform's image
        var images = MediaTypes.IsIndex(manifest.MediaType)
            ? (await Engine.Content.ContentExtensions.ReadJsonAsync<ImageIndex>(_scope.Content, manifest, cancellationToken)).Manifests
            : [manifest];
        foreach (var image in images)
        {
            if (image != manifest)
            {
                await RemoteBlobs.EnsureAsync(_connection, _scope.Content, image, location, cancellationToken);
                documents.Add(await Engine.Content.ContentExtensions.ReadAllBytesAsync(_scope.Content, image, cancellationToken));
            }
            var document = await Engine.Content.ContentExtensions.ReadJsonAsync<ImageManifest>(_scope.Content, image, cancellationToken);
            await RemoteBlobs.EnsureAsync(_connection, _scope.Content, document.Config, location, cancellationToken);
            documents.Add(await Engine.Content.ContentExtensions.ReadAllBytesAsync(_scope.Content, document.Config, cancellationToken));
            if (local)
            {
                await Parallel.ForEachAsync(document.Layers, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                    async (layer, ct) => await RemoteBlobs.EnsureAsync(_connection, _scope.Content, layer, location, ct));
            }
        }
        // the documents go along: an inline cache rewrites the config and manifest here, not on the node
        await outputs.DeliverAsync(request, manifest, exporter, cancellationToken,
            (tags, step, ct) => PushAsync(tags, manifest, location, request, documents, step, ct));
    }

    private async Task PushAsync(IReadOnlyList<ImageReference> tags, Descriptor manifest, string location, BuildRequest request, IReadOnlyList<byte[]> documents,
        IProgressStep step, CancellationToken cancellationToken)
    {
        var logins = await RegistryLogins.ForAsync(tags.Select(t => t.Registry).Distinct(StringComparer.Ordinal), _credentials, cancellationToken);
        foreach (var tag in tags)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (id, answers) = _connection.OpenRequest();
            try
            {
                _connection.Send(new PushImage(id, manifest, location, [tag.ToString()], logins, request.InsecureRegistries, documents));
                var answer = await answers.ReadAsync(cancellationToken) as ImagePushed;
                if (answer is null || answer.Error.Length > 0)
                    throw new UserFacingException($"pushing {tag}: {answer?.Error ?? "no answer"}");
            }
            finally
            {
                _connection.CloseRequest(id);
            }
            step.Status($"pushing manifest for {tag}@{manifest.Digest}", clock.Elapsed);
        }
    }

    /// <summary>
    /// Each node holding some of the results publishes them (and, for a registry cache, pushes their
    /// blobs and the images named straight from where they are); the lineages come back here.
    /// </summary>
    public async Task<IReadOnlyList<ResultManifest>> PublishResultsAsync(IReadOnlyList<CacheResult> results, ImageExportOptions layers, CachePushTarget? push, CancellationToken cancellationToken)
    {
        var lineages = new ResultManifest[results.Count];
        var (compression, level) = CacheLayers.Describe(layers);
        var logins = push is null ? [] : await RegistryLogins.ForAsync([push.Registry], _credentials, cancellationToken);
        var locations = results.Select(r => r.Location).Append(push?.ImagesLocation ?? "").Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        foreach (var location in locations)
        {
            var positions = Enumerable.Range(0, results.Count).Where(i => results[i].Location == location).ToArray();
            var images = push is not null && push.ImagesLocation == location ? push.Images : [];
            var (id, answers) = _connection.OpenRequest();
            try
            {
                _connection.Send(new PublishCache(id, location, positions.Select(i => results[i].SnapshotId).ToArray(), compression, level,
                    push?.Registry ?? "", push?.Repository ?? "", logins, push?.InsecureRegistries ?? [], images));
                var answer = await answers.ReadAsync(cancellationToken) as CachePublished;
                if (answer is null || answer.Error.Length > 0)
                    throw new IOException($"node {location}: {answer?.Error ?? "no answer"}");
                if (answer.Manifests.Count != positions.Length)
                    throw new IOException($"node {location} published {answer.Manifests.Count} results of {positions.Length}");
                for (var i = 0; i < positions.Length; i++)
                    lineages[positions[i]] = ResultManifest.Parse(answer.Manifests[i]);
            }
            finally
            {
                _connection.CloseRequest(id);
            }
        }
        return lineages;
    }

    public async Task<Stream> OpenBlobAsync(Descriptor blob, string location, CancellationToken cancellationToken)
    {
        await RemoteBlobs.EnsureAsync(_connection, _scope.Content, blob, location, cancellationToken);
        return new ContentReaderStream(await _scope.Content.OpenAsync(blob, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _sshAgents.Dispose();
        foreach (var name in _contexts.Keys)
            _sources.Unregister(name);
        try
        {
            // the connection in use (a reconnect replaced the first one, which it disposed)
            await (_connection ?? await _connecting).DisposeAsync();
        }
        catch (Exception) when (_connecting.IsFaulted || _connecting.IsCanceled)
        {
            // reported where the build waited for it
        }
    }
}
