using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Images;

/// <summary>Reads an image's manifest and config, choosing one platform of an index.</summary>
public static class ImageResolver
{
    /// <summary>
    /// Resolves <paramref name="image"/> to a single manifest. For an index, the first manifest
    /// present in the store that matches <paramref name="platform"/> (default: the host) is
    /// chosen; without an explicit platform, the first present manifest is the fallback.
    /// </summary>
    /// <exception cref="ContentNotFoundException">The manifest or config blob is missing.</exception>
    /// <exception cref="InvalidDataException">The blobs are not a manifest/config, or no manifest matches the platform.</exception>
    public static async ValueTask<ResolvedImage> ResolveAsync(IContentStore content, Image image, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var manifestDescriptor = await SelectManifestAsync(content, image, platform, cancellationToken).ConfigureAwait(false);
        var rawManifest = await content.ReadAllBytesAsync(manifestDescriptor, cancellationToken).ConfigureAwait(false);
        ImageManifest manifest;
        try
        {
            manifest = System.Text.Json.JsonSerializer.Deserialize<ImageManifest>(rawManifest, DocumentJson.Reading)
                ?? throw new InvalidDataException($"image {image.Name}: manifest {manifestDescriptor.Digest} is JSON null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"image {image.Name}: manifest {manifestDescriptor.Digest} is not valid JSON: {e.Message}", e);
        }
        var rawConfig = await content.ReadAllBytesAsync(manifest.Config, cancellationToken).ConfigureAwait(false);
        ImageConfig config;
        try
        {
            config = System.Text.Json.JsonSerializer.Deserialize<ImageConfig>(rawConfig, DocumentJson.Reading)
                ?? throw new InvalidDataException($"image {image.Name}: config {manifest.Config.Digest} is JSON null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"image {image.Name}: config {manifest.Config.Digest} is not valid JSON: {e.Message}", e);
        }
        return new ResolvedImage(image, manifestDescriptor, manifest, rawManifest, config, rawConfig);
    }

    private static async ValueTask<Descriptor> SelectManifestAsync(IContentStore content, Image image, Platform? platform, CancellationToken cancellationToken)
    {
        var target = image.Target;
        if (!MediaTypes.IsIndex(target.MediaType)) return target;
        var index = await ReadAsync<ImageIndex>(content, target, "index", cancellationToken).ConfigureAwait(false);
        var present = new List<Descriptor>();
        foreach (var m in index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType)))
        {
            if (await content.ExistsAsync(m, cancellationToken).ConfigureAwait(false)) present.Add(m);
        }
        var wanted = platform ?? PlatformSpec.Default();
        var match = PlatformMatcher.Select(present, wanted);
        if (match is not null) return match;
        if (platform is null && present.Count > 0) return present[0];
        throw new InvalidDataException($"image {image.Name} has no manifest for {wanted} in the local store");
    }

    private static async ValueTask<T> ReadAsync<T>(IContentStore content, Descriptor descriptor, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await content.ReadJsonAsync<T>(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{what} {descriptor.Digest} is not valid JSON: {e.Message}", e);
        }
    }
}
