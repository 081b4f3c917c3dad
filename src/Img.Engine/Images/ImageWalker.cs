using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// The edges of the content graph: an index points at manifests, a manifest at its config and
/// layers; every other blob is a leaf. A descriptor with no media type (an extra GC root known
/// only by digest) is sniffed from its JSON.
/// </summary>
public static class ImageWalker
{
    private const long MaxJsonSize = 4 * 1024 * 1024;

    /// <summary>
    /// The descriptors <paramref name="descriptor"/> refers to, or none when it is a leaf or its
    /// blob is not in the store (an index may list platforms that were never pulled).
    /// </summary>
    public static async ValueTask<IReadOnlyList<Descriptor>> ChildrenAsync(IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        var mediaType = descriptor.MediaType;
        var known = MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType);
        if (!known && !string.IsNullOrEmpty(mediaType) && !mediaType.EndsWith("+json", StringComparison.Ordinal) && mediaType != "application/json")
            return [];
        if (descriptor.Size > MaxJsonSize) return [];

        byte[] bytes;
        try
        {
            bytes = await provider.ReadAllBytesAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (ContentNotFoundException)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return [];
            var sniffed = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            var isIndex = MediaTypes.IsIndex(mediaType) || (!known && (MediaTypes.IsIndex(sniffed ?? "") ||
                (sniffed is null && root.TryGetProperty("manifests", out _))));
            var isManifest = MediaTypes.IsManifest(mediaType) || (!known && (MediaTypes.IsManifest(sniffed ?? "") ||
                (sniffed is null && root.TryGetProperty("layers", out _) && root.TryGetProperty("config", out _))));
            if (isIndex)
            {
                var index = root.Deserialize<ImageIndex>();
                return index?.Manifests ?? [];
            }
            if (isManifest)
            {
                var manifest = root.Deserialize<ImageManifest>();
                if (manifest is null) return [];
                return [manifest.Config, .. manifest.Layers];
            }
            return [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
