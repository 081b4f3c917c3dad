using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Engine.Registry;

/// <summary>
/// <c>img pull</c>: resolves a reference to the manifest for a platform, downloads its config and
/// layers in parallel into the content store (skipping blobs already there, verifying every one),
/// stores the manifest, and only then points the image name at it. The record targets the
/// platform's manifest; the index digest, if any, is kept in <see cref="ImageLabels.IndexDigest"/>.
/// Prints docker's lines to <c>output</c> when given.
/// </summary>
public sealed class ImagePuller
{
    private readonly ImageTransfer _transfer;

    public ImagePuller(RegistryClients clients, IContentStore content, IImageStore images,
        TextWriter? output = null, int maxConcurrentDownloads = 3) =>
        _transfer = new ImageTransfer(clients, content, images, output, maxConcurrentDownloads);

    public async Task<PullResult> PullAsync(ImageReference reference, Platform? platform = null, CancellationToken ct = default)
    {
        var client = _transfer.Clients.Get(reference.Registry);
        var repository = reference.Repository;
        await _transfer.Output.WriteLineAsync($"{reference.Tag ?? reference.ManifestReference}: Pulling from {reference.Repository}").ConfigureAwait(false);

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
                var isLayer = blob.Digest != manifest.Config.Digest;
                var shortId = ImageTransfer.ShortId(blob);
                if (await _transfer.Content.ExistsAsync(blob, c).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref present);
                    if (isLayer) await _transfer.Output.WriteLineAsync($"{shortId}: Already exists").ConfigureAwait(false);
                    return;
                }
                await client.GetBlobAsync(repository, blob, _transfer.Content, c).ConfigureAwait(false);
                Interlocked.Increment(ref downloaded);
                if (isLayer) await _transfer.Output.WriteLineAsync($"{shortId}: Pull complete").ConfigureAwait(false);
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
        await _transfer.Output.WriteLineAsync($"Digest: {resolved.Root.Digest}").ConfigureAwait(false);
        await _transfer.Output.WriteLineAsync(updated
            ? $"Status: Downloaded newer image for {reference.FamiliarName}"
            : $"Status: Image is up to date for {reference.FamiliarName}").ConfigureAwait(false);
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
