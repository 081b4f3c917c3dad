using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Registry;

/// <summary>
/// <c>img pull</c>: resolves a reference to the manifest for a platform, downloads its config and
/// layers in parallel into the content store (skipping blobs already there, verifying every one),
/// stores the manifest, and only then points the image name at it. The record targets the
/// platform's manifest; the index digest, if any, is kept in <see cref="ImageLabels.IndexDigest"/>.
/// Reports each step as a <see cref="TransferEvent"/> to <c>progress</c> when given.
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
        var repository = reference.Repository;
        _transfer.Report(new PullStarted(reference));

        var resolved = await client.ResolvePlatformAsync(repository, reference.ManifestReference, platform, ct).ConfigureAwait(false);
        ImageManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ImageManifest>(resolved.Manifest.Content)
                ?? throw new JsonException("null manifest");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid manifest for {reference}: {e.Message}", inner: e);
        }

        var downloaded = 0;
        var present = 0;
        await _transfer.ForEachBlobAsync(manifest.Layers.Prepend(manifest.Config),
            async (blob, c) =>
            {
                var isConfig = blob.Digest == manifest.Config.Digest;
                if (await _transfer.Content.ExistsAsync(blob, c).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref present);
                    _transfer.Report(new BlobTransferred(reference, blob, BlobTransferState.FoundLocally, isConfig));
                    return;
                }
                await client.GetBlobAsync(repository, blob, _transfer.Content, c).ConfigureAwait(false);
                Interlocked.Increment(ref downloaded);
                _transfer.Report(new BlobTransferred(reference, blob, BlobTransferState.Downloaded, isConfig));
            }, ct).ConfigureAwait(false);

        await _transfer.Content.WriteBlobAsync(resolved.Manifest.Content, Digest.Parse(resolved.Manifest.Digest), ct).ConfigureAwait(false);

        var config = await ReadPlatformAsync(manifest.Config, ct).ConfigureAwait(false);
        var labels = new Dictionary<string, string> { [ImageLabels.Source] = reference.FullName };
        if (resolved.Root.IsIndex) labels[ImageLabels.IndexDigest] = resolved.Root.Digest;
        var name = reference.ToString();
        var previous = await _transfer.Images.GetAsync(name, ct).ConfigureAwait(false);
        var image = await _transfer.Images.PutAsync(new Image
        {
            Name = name,
            Target = resolved.Manifest.ToDescriptor() with { Platform = config },
            Labels = labels,
        }, ct).ConfigureAwait(false);

        var updated = previous?.Target.Digest != image.Target.Digest;
        _transfer.Report(new PullCompleted(reference, resolved.Root.Digest, updated));
        return new PullResult(image, resolved.Root.Digest, downloaded, present, updated);
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
