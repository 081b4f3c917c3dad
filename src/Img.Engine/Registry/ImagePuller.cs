using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Registry;

/// <summary>
/// <c>img pull</c>. Two scopes, as BuildKit/containerd and docker differ:
/// <see cref="PullAsync"/> takes one platform (the host's by default; what builds and
/// <c>img pull --platform</c> want): the record targets that platform's manifest and keeps the
/// index digest in <see cref="ImageLabels.IndexDigest"/>. <see cref="PullAllPlatformsAsync"/>
/// keeps what the reference names whole (what <c>img pull</c> without <c>--platform</c> does):
/// an index with every manifest, config and layer under it, so it can be pushed again whole.
/// Either way the blobs are downloaded in parallel (skipping those present, verifying every one),
/// manifests are stored after their blobs and indexes after their manifests, and only then does
/// the name move. Reports each step as a <see cref="TransferEvent"/> to <c>progress</c> when given.
/// </summary>
public sealed class ImagePuller
{
    private readonly ImageTransfer _transfer;

    public ImagePuller(RegistryClients clients, IContentStore content, IImageStore images,
        IProgress<TransferEvent>? progress = null, int maxConcurrentDownloads = 3) =>
        _transfer = new ImageTransfer(clients, content, images, progress, maxConcurrentDownloads);

    public async Task<PullResult> PullAsync(ImageReference reference, Platform? platform = null, CancellationToken ct = default)
    {
        var client = _transfer.Clients.Get(reference.Registry);
        _transfer.Report(new PullStarted(reference));
        var resolved = await client.ResolvePlatformAsync(reference.Repository, reference.ManifestReference, platform, ct).ConfigureAwait(false);
        var manifest = ParseManifest(resolved.Manifest, reference);
        var counts = await DownloadAsync(client, reference, [manifest], ct).ConfigureAwait(false);
        await _transfer.Content.WriteBlobAsync(resolved.Manifest.Content, Digest.Parse(resolved.Manifest.Digest), ct).ConfigureAwait(false);

        var config = await ReadPlatformAsync(manifest.Config, ct).ConfigureAwait(false);
        var labels = new Dictionary<string, string> { [ImageLabels.Source] = reference.FullName };
        if (resolved.Root.IsIndex) labels[ImageLabels.IndexDigest] = resolved.Root.Digest;
        return await NameAsync(reference, resolved.Manifest.ToDescriptor() with { Platform = config }, labels, resolved.Root.Digest, counts, ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Pulls everything the reference names: a manifest as <see cref="PullAsync"/> does, an index
    /// with every platform (nested indexes included). The record targets the index itself.
    /// </summary>
    public async Task<PullResult> PullAllPlatformsAsync(ImageReference reference, CancellationToken ct = default)
    {
        var client = _transfer.Clients.Get(reference.Registry);
        _transfer.Report(new PullStarted(reference));
        var root = await client.GetManifestAsync(reference.Repository, reference.ManifestReference, null, ct).ConfigureAwait(false);
        if (!root.IsIndex && !MediaTypes.IsManifest(root.MediaType))
            throw new RegistryException(RegistryErrorKind.Protocol, $"unsupported manifest media type \"{root.MediaType}\": {reference}");

        // Indexes (root last) and manifests in the order they are stored: children before parents.
        var documents = new List<FetchedManifest>();
        var manifests = new List<ImageManifest>();
        await CollectAsync(client, reference, root, documents, manifests, depth: 0, ct).ConfigureAwait(false);
        var counts = await DownloadAsync(client, reference, manifests, ct).ConfigureAwait(false);
        foreach (var document in documents)
            await _transfer.Content.WriteBlobAsync(document.Content, Digest.Parse(document.Digest), ct).ConfigureAwait(false);

        var labels = new Dictionary<string, string> { [ImageLabels.Source] = reference.FullName };
        var target = root.ToDescriptor();
        if (!root.IsIndex) target = target with { Platform = await ReadPlatformAsync(manifests[0].Config, ct).ConfigureAwait(false) };
        return await NameAsync(reference, target, labels, root.Digest, counts, ct).ConfigureAwait(false);
    }

    /// <summary>Walks an index depth first, fetching each child by digest (size-checked against its entry).</summary>
    private static async Task CollectAsync(RegistryClient client, ImageReference reference, FetchedManifest document,
        List<FetchedManifest> documents, List<ImageManifest> manifests, int depth, CancellationToken ct)
    {
        if (!document.IsIndex)
        {
            manifests.Add(ParseManifest(document, reference));
            documents.Add(document);
            return;
        }
        if (depth == 4)
            throw new RegistryException(RegistryErrorKind.Protocol, $"indexes nested too deeply: {reference}");
        ImageIndex index;
        try
        {
            index = JsonSerializer.Deserialize<ImageIndex>(document.Content) ?? throw new JsonException("null index");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid index {document.Digest} for {reference}: {e.Message}", inner: e);
        }
        foreach (var entry in index.Manifests)
        {
            if (!MediaTypes.IsIndex(entry.MediaType) && !MediaTypes.IsManifest(entry.MediaType))
                throw new RegistryException(RegistryErrorKind.Protocol,
                    $"unsupported manifest media type \"{entry.MediaType}\" for {entry.Digest} in the index of {reference}");
            var child = await client.GetChildManifestAsync(reference.Repository, entry, ct).ConfigureAwait(false);
            await CollectAsync(client, reference, child, documents, manifests, depth + 1, ct).ConfigureAwait(false);
        }
        documents.Add(document);
    }

    /// <summary>Downloads the configs and layers of <paramref name="manifests"/>; returns (downloaded, present).</summary>
    private async Task<(int Downloaded, int Present)> DownloadAsync(RegistryClient client, ImageReference reference,
        IReadOnlyList<ImageManifest> manifests, CancellationToken ct)
    {
        var configs = manifests.Select(m => m.Config.Digest).ToHashSet(StringComparer.Ordinal);
        var downloaded = 0;
        var present = 0;
        await _transfer.ForEachBlobAsync(manifests.SelectMany(m => m.Layers.Prepend(m.Config)),
            async (blob, c) =>
            {
                var isConfig = configs.Contains(blob.Digest);
                if (await _transfer.Content.ExistsAsync(blob, c).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref present);
                    _transfer.Report(new BlobTransferred(reference, blob, BlobTransferState.FoundLocally, isConfig));
                    return;
                }
                await client.GetBlobAsync(reference.Repository, blob, _transfer.Content, c).ConfigureAwait(false);
                Interlocked.Increment(ref downloaded);
                _transfer.Report(new BlobTransferred(reference, blob, BlobTransferState.Downloaded, isConfig));
            }, ct).ConfigureAwait(false);
        return (downloaded, present);
    }

    private async Task<PullResult> NameAsync(ImageReference reference, Descriptor target, Dictionary<string, string> labels,
        string rootDigest, (int Downloaded, int Present) counts, CancellationToken ct)
    {
        var name = reference.ToString();
        var previous = await _transfer.Images.GetAsync(name, ct).ConfigureAwait(false);
        var image = await _transfer.Images.PutAsync(new Image { Name = name, Target = target, Labels = labels }, ct).ConfigureAwait(false);
        var updated = previous?.Target.Digest != image.Target.Digest;
        _transfer.Report(new PullCompleted(reference, rootDigest, updated));
        return new PullResult(image, rootDigest, counts.Downloaded, counts.Present, updated);
    }

    private static ImageManifest ParseManifest(FetchedManifest fetched, ImageReference reference)
    {
        try
        {
            return JsonSerializer.Deserialize<ImageManifest>(fetched.Content) ?? throw new JsonException("null manifest");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid manifest for {reference}: {e.Message}", inner: e);
        }
    }

    private async Task<Platform?> ReadPlatformAsync(Descriptor configDescriptor, CancellationToken ct)
    {
        try
        {
            var config = await _transfer.Content.ReadJsonAsync<ImageConfig>(configDescriptor, ct).ConfigureAwait(false);
            return string.IsNullOrEmpty(config.Os)
                ? null
                : new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant, OsVersion = config.OsVersion };
        }
        catch (JsonException)
        {
            return null; // not an image config (an artifact): no platform to record
        }
    }
}
