using Img.Engine.Graph;
using System.Collections.Concurrent;
using Akka.Actor;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.RemoteCache;
using Img.Engine.Worker.Export;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Messages.Client;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Node.Workers;

namespace Img.Node.Remote;

/// <summary>
/// A cluster node's <see cref="INodeServices"/>. An input held by another node is fetched before
/// the job runs: its holder is asked to publish it (<see cref="PublishResult"/>: layer blobs and a
/// result manifest), then <see cref="ResultFetcher"/> downloads what this node lacks from the
/// holder's blob server and recreates the snapshot (a second fetch of the same result costs one
/// manifest read). An input no holder can give makes the job fail with its position
/// (<see cref="InputsLostException"/>), so the build re-runs its producer.
/// </summary>
public sealed class ClusterNodeServices : INodeServices
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(30);

    private readonly ActorSystem _system;
    private readonly string _node;
    private readonly IContentStore _content;
    private readonly ResultPublisher _publisher;
    private readonly ResultFetcher _fetcher;
    private readonly Func<IReadOnlyList<Uri>, IBlobSource> _sources;
    private readonly Func<RegistryClientOptions, RegistryClients> _registries;
    private readonly string _scratch;
    private readonly ConcurrentDictionary<(string Location, string Snapshot), string> _fetched = new();
    private readonly ImportedResultFetcher _imports;
    private readonly ImageBlobFetcher _images;
    private readonly Func<ImageExportOptions, ResultPublisher>? _publishers;

    /// <param name="sources">A blob source over the given holders (members' mutual TLS when the cluster is secured).</param>
    /// <param name="registries">Registry clients for a push, with the pushing client's logins.</param>
    /// <param name="publishers">A publisher writing step layers with other settings (a cache export's compression); null: only the default one.</param>
    public ClusterNodeServices(ActorSystem system, string node, IContentStore content, ResultPublisher publisher, ResultFetcher fetcher,
        Func<IReadOnlyList<Uri>, IBlobSource> sources, Func<RegistryClientOptions, RegistryClients> registries, string scratch,
        Func<ImageExportOptions, ResultPublisher>? publishers = null)
    {
        _publishers = publishers;
        _imports = new ImportedResultFetcher(content, fetcher);
        _images = new ImageBlobFetcher(content);
        _system = system;
        _node = node;
        _content = content;
        _publisher = publisher;
        _fetcher = fetcher;
        _sources = sources;
        _registries = registries;
        _scratch = scratch;
    }

    public string Location => _node;

    /// <summary>Measured in the background by the node host.</summary>
    public (long Blobs, long Snapshots) Usage { get; set; }

    public async Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, BuildVertex vertex, CancellationToken cancellationToken)
    {
        if (ImportedInputs.Any(run.Inputs))
        {
            // imported from a --cache-from cache: fetched from its registry with the client's logins
            using var clients = _registries(new RegistryClientOptions
            {
                InsecureRegistries = run.Session?.InsecureRegistries ?? [],
                Credentials = new PushCredentials(Logins(run.Session?.CacheLogins ?? [])),
            });
            run = run with { Inputs = await ImportedInputs.LocalizeAsync(run.Inputs, _imports, new CacheSources(clients, directories: false), _node, cancellationToken).ConfigureAwait(false) };
        }
        var inputs = run.Inputs.ToArray();
        // an index reads its inputs' image documents only: it gets their blobs, never their snapshots
        var index = vertex.Op is ImageIndexOp;
        var lost = new List<int>();
        var errors = new List<string>();
        await Task.WhenAll(inputs.Select(async (input, i) =>
        {
            var image = index && input.Image is not null && input.Location.Length > 0 && input.Location != _node;
            if (!image && !NeedsFetch(input))
                return;
            try
            {
                var holder = run.InputHolders is { } holders && i < holders.Count ? holders[i] : null;
                inputs[i] = image
                    ? await FetchImageAsync(input, holder, cancellationToken).ConfigureAwait(false)
                    : input with { SnapshotId = await FetchAsync(input, holder, cancellationToken).ConfigureAwait(false), Location = _node };
            }
            catch (Exception e) when (e is ResultUnavailableException or AskTimeoutException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
            {
                lock (lost)
                {
                    lost.Add(i);
                    errors.Add(e.Message);
                }
            }
        })).ConfigureAwait(false);
        if (lost.Count > 0)
            throw new InputsLostException([.. lost.Order()], "inputs could not be fetched from the nodes that held them: " + string.Join("; ", errors));
        return inputs;
    }

    private bool NeedsFetch(CacheResult input) =>
        input.Location.Length > 0 && input.Location != _node && input.SnapshotId.Length > 0
        && !input.SnapshotId.StartsWith("local:", StringComparison.Ordinal);

    private async Task<string> FetchAsync(CacheResult input, ResultHolder? holder, CancellationToken cancellationToken)
    {
        if (_fetched.TryGetValue((input.Location, input.SnapshotId), out var known))
            return known;
        if (holder is null || holder.Worker.Length == 0 || holder.BlobEndpoint.Length == 0)
            throw new InvalidOperationException($"{input.SnapshotId}: node {input.Location} is not in the cluster");
        var published = await _system.ActorSelection(holder.Worker)
            .Ask<ResultPublished>(new PublishResult(input.SnapshotId), PublishTimeout, cancellationToken).ConfigureAwait(false);
        if (published.Manifest is not { } manifest)
            throw new InvalidOperationException($"{input.SnapshotId} on {holder.Node}: {published.Error}");
        var fetched = await _fetcher.FetchAsync(manifest, _sources([new Uri(holder.BlobEndpoint)]), cancellationToken).ConfigureAwait(false);
        _fetched[(input.Location, input.SnapshotId)] = fetched.Snapshot;
        return fetched.Snapshot;
    }

    /// <summary>
    /// An exported image, input of a multi-platform index, comes as its blobs, not as a snapshot:
    /// the index needs the documents, and its result then names this node as the holder of every
    /// platform's image.
    /// </summary>
    private async Task<CacheResult> FetchImageAsync(CacheResult input, ResultHolder? holder, CancellationToken cancellationToken)
    {
        if (holder is null || holder.BlobEndpoint.Length == 0)
            throw new InvalidOperationException($"image {input.Image!.Digest}: node {input.Location} is not in the cluster");
        await _images.FetchAsync(input.Image!, _sources([new Uri(holder.BlobEndpoint)]), cancellationToken).ConfigureAwait(false);
        return input with { SnapshotId = "", Location = _node };
    }

    public IBuildSession? SessionFor(RunVertex run) =>
        run.Session is { } session ? new RemoteBuildSession(_system, session, _content, _sources, _scratch) : null;

    public Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken) => _publisher.PublishAsync(snapshotId, cancellationToken);

    public async Task<string> PushAsync(PushImage push, CancellationToken cancellationToken)
    {
        foreach (var document in push.Documents ?? [])
            await _content.WriteBlobAsync(document, Digest.Compute(document), cancellationToken).ConfigureAwait(false);
        using var registries = _registries(new RegistryClientOptions
        {
            InsecureRegistries = push.InsecureRegistries,
            Credentials = new PushCredentials(Logins(push.Logins)),
        });
        foreach (var name in push.References)
        {
            var reference = ImageReference.Parse(name);
            var images = new MemoryImageStore();
            await images.PutAsync(new Engine.Images.Image { Name = reference.ToString(), Target = push.Manifest }, cancellationToken).ConfigureAwait(false);
            await new ImagePusher(registries, _content, images).PushAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        return "";
    }

    public async Task<IReadOnlyList<byte[]>> PublishCacheAsync(PublishCache request, CancellationToken cancellationToken)
    {
        var options = CacheLayers.Options(request.Compression, request.Level);
        var publisher = options == ResultPublisher.DefaultTransferOptions ? _publisher
            : _publishers?.Invoke(options) ?? throw new InvalidOperationException($"this node writes cache layers with the default compression only, not {request.Compression}");
        var manifests = new List<byte[]>();
        var blobs = new List<Descriptor>();
        foreach (var snapshot in request.Snapshots)
        {
            var descriptor = await publisher.PublishAsync(snapshot, cancellationToken).ConfigureAwait(false);
            var bytes = await _content.ReadAllBytesAsync(descriptor, cancellationToken).ConfigureAwait(false);
            manifests.Add(bytes);
            blobs.AddRange(ResultManifest.Parse(bytes).Layers.Select(l => l.Blob));
        }
        if (request.Registry.Length == 0)
            return manifests;
        using var registries = _registries(new RegistryClientOptions
        {
            InsecureRegistries = request.InsecureRegistries,
            Credentials = new PushCredentials(Logins(request.Logins)),
        });
        var client = registries.Get(request.Registry);
        foreach (var image in request.Images)
        {
            var document = await _content.ReadJsonAsync<ImageManifest>(image, cancellationToken).ConfigureAwait(false);
            blobs.Add(document.Config);
            blobs.AddRange(document.Layers);
        }
        await Parallel.ForEachAsync(blobs.DistinctBy(b => b.Digest, StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (blob, c) => await client.PushBlobAsync(request.Repository, blob, _content, null, c).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var image in request.Images)
        {
            var bytes = await _content.ReadAllBytesAsync(image, cancellationToken).ConfigureAwait(false);
            await client.PutManifestAsync(request.Repository, image.Digest, bytes, image.MediaType, cancellationToken).ConfigureAwait(false);
        }
        return manifests;
    }

    private static Dictionary<string, RegistryCredential> Logins(IReadOnlyList<RegistryLogin> logins)
    {
        var store = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
        foreach (var login in logins)
            store[login.Registry] = new RegistryCredential(login.Username, login.Password, login.IdentityToken.Length > 0 ? login.IdentityToken : null);
        return store;
    }

    /// <summary>The pushing client's logins, for this push only.</summary>
    private sealed class PushCredentials(IReadOnlyDictionary<string, RegistryCredential> logins) : ICredentialStore
    {
        public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => new(logins.GetValueOrDefault(registry));
    }
}
