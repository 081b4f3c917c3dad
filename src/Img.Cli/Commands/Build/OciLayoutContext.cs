using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Exporters;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>oci-layout://PATH[:TAG][@DIGEST]</c>: buildx's reading of the value (the tag defaults to
/// <c>latest</c>; without a digest, the index entry whose ref name is the tag, else the only
/// entry), then the image (its index, the platform's manifest, config and layers) copied into the
/// content store, every blob verified, so the build reads it like any stored image.
/// </summary>
internal static class OciLayoutContext
{
    public static async Task<OciLayoutNamedContext> LoadAsync(string value, Func<string, string> resolvePath, IContentStore content, Platform platform, CancellationToken ct)
    {
        var spec = value[NamedContextLoader.OciLayoutPrefix.Length..];
        var at = spec.IndexOf('@');
        var digest = at < 0 ? null : spec[(at + 1)..];
        var path = at < 0 ? spec : spec[..at];
        var colon = path.IndexOf(':');
        var tag = colon < 0 ? "latest" : path[(colon + 1)..];
        var directory = resolvePath(colon < 0 ? path : path[..colon]);
        try
        {
            var root = await RootAsync(directory, tag, digest, ct);
            await CopyAsync(directory, root, content, ct);
            if (MediaTypes.IsIndex(root.MediaType))
            {
                var index = await content.ReadJsonAsync<ImageIndex>(root, ct);
                foreach (var manifest in index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType) && File.Exists(BlobFile(directory, m))))
                    await CopyAsync(directory, manifest, content, ct);
            }
            var resolved = await ImageResolver.ResolveAsync(content, new Image { Name = value, Target = root }, platform, ct).ConfigureAwait(false);
            foreach (var layer in resolved.Manifest.Layers)
                await CopyAsync(directory, layer, content, ct);
            return new OciLayoutNamedContext(root.Digest, resolved.Config);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or ContentNotFoundException or ContentVerificationException or FormatException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"oci-layout reference \"{value}\" could not be resolved: {e.Message}", 1, e);
        }
    }

    private static async Task<Descriptor> RootAsync(string directory, string tag, string? digest, CancellationToken ct)
    {
        var indexFile = Path.Join(directory, OciLayout.IndexFile);
        if (!File.Exists(indexFile))
            throw new FileNotFoundException($"open {indexFile}: no such file or directory");
        var index = JsonSerializer.Deserialize<ImageIndex>(await File.ReadAllBytesAsync(indexFile, ct))
            ?? throw new InvalidDataException($"{indexFile} is JSON null");
        Descriptor? root;
        if (digest is not null)
        {
            Digest.Parse(digest);
            root = index.Manifests.FirstOrDefault(m => m.Digest == digest) ?? await SniffAsync(directory, digest, ct);
        }
        else
        {
            root = index.Manifests.FirstOrDefault(m => m.Annotations is { } a && a.TryGetValue(OciLayout.RefNameAnnotation, out var name) && name == tag)
                ?? (index.Manifests.Count == 1 ? index.Manifests[0] : null);
        }
        return root ?? throw new InvalidDataException("failed to resolve digest");
    }

    /// <summary>A digest the index does not list: its media type is read from the blob.</summary>
    private static async Task<Descriptor> SniffAsync(string directory, string digest, CancellationToken ct)
    {
        var file = BlobFile(directory, new Descriptor { Digest = digest });
        if (!File.Exists(file))
            throw new FileNotFoundException($"{digest}: not found");
        var bytes = await File.ReadAllBytesAsync(file, ct);
        using var json = JsonDocument.Parse(bytes);
        var mediaType = json.RootElement.TryGetProperty("mediaType", out var m) && m.GetString() is { Length: > 0 } written
            ? written
            : json.RootElement.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }

    private static async Task CopyAsync(string directory, Descriptor blob, IContentStore content, CancellationToken ct)
    {
        if (await content.ExistsAsync(blob, ct))
            return;
        var file = BlobFile(directory, blob);
        if (!File.Exists(file))
            throw new FileNotFoundException($"{blob.Digest}: not found");
        await using var stream = File.OpenRead(file);
        await content.WriteBlobAsync(stream, blob, ct);
    }

    private static string BlobFile(string directory, Descriptor blob) =>
        Path.Join(directory, OciLayout.BlobPath(Digest.Parse(blob.Digest)));
}
