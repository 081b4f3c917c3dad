using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.Registry.Progress;

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

    /// <summary>
    /// The image <paramref name="reference"/> for <paramref name="platform"/> (null = host), pulling it when needed.
    /// A pinned reference (<c>name:tag@sha256:...</c>, as the converter writes it) is found by its
    /// digest alone: any stored image whose root (index or manifest) or platform manifest has it,
    /// whatever its name; else it is pulled by digest.
    /// </summary>
    /// <param name="pullProgress">Where a pull reports its progress.</param>
    /// <param name="refresh">
    /// Pull a tag even when the store has it (<c>--pull</c>, BuildKit's force-pull resolve mode),
    /// so the name resolves to what the registry has now; layers already here are not fetched again.
    /// A reference pinned by digest names fixed content and is still found locally.
    /// </param>
    public async Task<ResolvedImage> ResolveAsync(string reference, Platform? platform, IProgress<TransferEvent>? pullProgress, CancellationToken ct, bool refresh = false)
    {
        var parsed = ImageReference.Parse(reference);
        refresh &= parsed.Digest is null;
        var local = refresh ? null : await FindLocalAsync(parsed, platform, ct).ConfigureAwait(false);
        if (local is not null)
            return local;
        if (_registries is null)
            throw new BaseImageNotFoundException(parsed.FamiliarName, platform, "it is not in the local image store and pulling is disabled");

        // By digest, the tag is only a comment: pull repository@digest (docker's name for it).
        var pull = parsed.Digest is { } digest ? ImageReference.ParseNormalized(parsed.FullName + "@" + digest) : parsed;
        using (await _pulls.AcquireAsync(pull.ToString(), ct).ConfigureAwait(false))
        {
            local = refresh ? null : await FindLocalAsync(parsed, platform, ct).ConfigureAwait(false);
            if (local is not null)
                return local;
            var puller = new ImagePuller(_registries, _content, _images, pullProgress);
            await puller.PullAsync(pull, platform, ct).ConfigureAwait(false);
            return await FindLocalAsync(parsed, platform, ct).ConfigureAwait(false)
                ?? throw new BaseImageNotFoundException(parsed.FamiliarName, platform, "the pulled image does not match the platform");
        }
    }

    /// <summary>
    /// An image that has no name in the image store but whose blobs are in the content store (an
    /// OCI layout named context the client copied in), by its root digest: the last <c>@</c> part
    /// of <paramref name="identifier"/> (<c>oci-layout://NAME@sha256:...</c>).
    /// </summary>
    /// <exception cref="BaseImageNotFoundException">The root blob is not in the content store.</exception>
    public async Task<ResolvedImage> ResolveStoredAsync(string identifier, Platform? platform, CancellationToken ct)
    {
        var digest = Digest.Parse(identifier[(identifier.LastIndexOf('@') + 1)..]);
        var info = await _content.InfoAsync(digest, ct).ConfigureAwait(false)
            ?? throw new BaseImageNotFoundException(identifier, platform, "its blobs are not in the content store (an OCI layout is read by the client that names it)");
        var probe = new Descriptor { Digest = digest.ToString(), Size = info.Size };
        using var json = System.Text.Json.JsonDocument.Parse(await _content.ReadAllBytesAsync(probe, ct).ConfigureAwait(false));
        var isIndex = json.RootElement.TryGetProperty("manifests", out _);
        var mediaType = json.RootElement.TryGetProperty("mediaType", out var declared) && declared.GetString() is { Length: > 0 } written
            ? written
            : isIndex ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        var image = new Image { Name = identifier, Target = probe with { MediaType = mediaType } };
        return await ImageResolver.ResolveAsync(_content, image, platform, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A base image's config and the digest its name resolves to, without pulling it: the local
    /// store when it has the image, else the registry's manifest (platform-selected) and config
    /// only. What a client needs to convert a Dockerfile whose steps run elsewhere (cluster nodes
    /// pull the layers themselves, pinned to the digest).
    /// </summary>
    /// <exception cref="BaseImageNotFoundException">The image is neither here nor reachable.</exception>
    /// <param name="refresh">Ask the registry even when the store has the tag (<c>--pull</c>).</param>
    public async Task<(ImageConfig Config, string RootDigest)> ResolveConfigAsync(string reference, Platform? platform, CancellationToken ct, bool refresh = false)
    {
        var parsed = ImageReference.Parse(reference);
        refresh &= parsed.Digest is null;
        if (!refresh && await FindLocalAsync(parsed, platform, ct).ConfigureAwait(false) is { } local)
            return (local.Config, RootDigest(local.Image));
        if (_registries is null)
            throw new BaseImageNotFoundException(parsed.FamiliarName, platform, "it is not in the local image store and pulling is disabled");
        var client = _registries.Get(parsed.Registry);
        var resolved = await client.ResolvePlatformAsync(parsed.Repository, parsed.Digest?.ToString() ?? parsed.Tag ?? "latest", platform, ct).ConfigureAwait(false);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<ImageManifest>(resolved.Manifest.Content)
            ?? throw new InvalidDataException($"{parsed.FamiliarName}: empty manifest");
        using var buffer = new MemoryStream();
        await client.GetBlobAsync(parsed.Repository, manifest.Config, buffer, ct).ConfigureAwait(false);
        var config = System.Text.Json.JsonSerializer.Deserialize<ImageConfig>(buffer.ToArray())
            ?? throw new InvalidDataException($"{parsed.FamiliarName}: empty image config");
        return (config, resolved.Root.Digest);
    }

    /// <summary>
    /// The digest a stored image's name resolves to, as a registry reports it for the tag: the
    /// index it was pulled from (<see cref="ImageLabels.IndexDigest"/>), else its target.
    /// </summary>
    public static string RootDigest(Image image) =>
        image.Labels is { } labels && labels.TryGetValue(ImageLabels.IndexDigest, out var index) && !string.IsNullOrEmpty(index)
            ? index
            : image.Target.Digest;

    private async Task<ResolvedImage?> FindLocalAsync(ImageReference reference, Platform? platform, CancellationToken ct)
    {
        if (reference.Digest is not { } pinned)
        {
            var named = await _images.GetAsync(reference.ToString(), ct).ConfigureAwait(false);
            return named is null ? null : await TryLocalAsync(named, null, platform, ct).ConfigureAwait(false);
        }
        // The usual case first: the tag still points at the pinned image.
        var candidates = new List<string>();
        if (reference.Tag is { } tag)
            candidates.Add(ImageReference.ParseNormalized(reference.FullName + ":" + tag).ToString());
        candidates.Add(reference.ToString());
        candidates.Add(ImageReference.ParseNormalized(reference.FullName + "@" + pinned).ToString());
        foreach (var name in candidates)
        {
            var image = await _images.GetAsync(name, ct).ConfigureAwait(false);
            if (image is not null && await TryLocalAsync(image, pinned.ToString(), platform, ct).ConfigureAwait(false) is { } found)
                return found;
        }
        foreach (var image in await _images.ListAsync(ct).ConfigureAwait(false))
        {
            if (candidates.Contains(image.Name))
                continue;
            if (RootDigest(image) != pinned.ToString() && image.Target.Digest != pinned.ToString() && !MediaTypes.IsIndex(image.Target.MediaType))
                continue;
            if (await TryLocalAsync(image, pinned.ToString(), platform, ct).ConfigureAwait(false) is { } found)
                return found;
        }
        return null;
    }

    private async Task<ResolvedImage?> TryLocalAsync(Image image, string? pinned, Platform? platform, CancellationToken ct)
    {
        ResolvedImage resolved;
        try
        {
            resolved = await ImageResolver.ResolveAsync(_content, image, platform, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContentNotFoundException or InvalidDataException)
        {
            return null;
        }
        if (pinned is not null && pinned != resolved.ManifestDescriptor.Digest && pinned != image.Target.Digest && pinned != RootDigest(image))
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
