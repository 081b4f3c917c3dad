using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// Finds a base image: in the local image store first (so an image made by <c>img import</c> or
/// <c>img load</c> works offline), else pulled with <see cref="ImagePuller"/> into the stores.
/// One platform is selected; an image whose blobs are missing locally is pulled again.
/// </summary>
public sealed class BaseImageLocator
{
    private readonly IContentStore _content;
    private readonly IImageStore _images;
    private readonly RegistryClients? _registries;
    private readonly KeyedLock _pulls = new();

    /// <param name="registries">Where to pull from; null = offline (only the local store).</param>
    public BaseImageLocator(IContentStore content, IImageStore images, RegistryClients? registries)
    {
        _content = content;
        _images = images;
        _registries = registries;
    }

    /// <summary>The image <paramref name="reference"/> for <paramref name="platform"/> (null = host), pulling it when needed.</summary>
    /// <param name="pullOutput">Where docker's pull lines go.</param>
    public async Task<ResolvedImage> ResolveAsync(string reference, Platform? platform, TextWriter? pullOutput, CancellationToken ct)
    {
        var parsed = ImageReference.Parse(reference);
        var local = await TryLocalAsync(parsed, platform, ct).ConfigureAwait(false);
        if (local is not null)
            return local;
        if (_registries is null)
            throw new BaseImageNotFoundException(parsed.FamiliarName, platform, "it is not in the local image store and pulling is disabled");

        using (await _pulls.AcquireAsync(parsed.ToString(), ct).ConfigureAwait(false))
        {
            local = await TryLocalAsync(parsed, platform, ct).ConfigureAwait(false);
            if (local is not null)
                return local;
            var puller = new ImagePuller(_registries, _content, _images, pullOutput);
            await puller.PullAsync(parsed, platform, ct).ConfigureAwait(false);
            return await TryLocalAsync(parsed, platform, ct).ConfigureAwait(false)
                ?? throw new BaseImageNotFoundException(parsed.FamiliarName, platform, "the pulled image does not match the platform");
        }
    }

    private async Task<ResolvedImage?> TryLocalAsync(ImageReference reference, Platform? platform, CancellationToken ct)
    {
        var image = await _images.GetAsync(reference.ToString(), ct).ConfigureAwait(false);
        if (image is null)
            return null;
        ResolvedImage resolved;
        try
        {
            resolved = await ImageResolver.ResolveAsync(_content, image, platform, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContentNotFoundException or InvalidDataException)
        {
            return null;
        }
        if (reference.Digest is { } pinned && pinned != resolved.ManifestDigest && image.Target.Digest != pinned.ToString())
            return null;
        if (platform is not null && !HostPlatform.Matches(new Platform { Os = resolved.Config.Os, Architecture = resolved.Config.Architecture, Variant = resolved.Config.Variant }, platform))
            return null;
        foreach (var layer in resolved.Manifest.Layers)
        {
            if (!await _content.ExistsAsync(layer, ct).ConfigureAwait(false))
                return null;
        }
        return resolved;
    }
}
