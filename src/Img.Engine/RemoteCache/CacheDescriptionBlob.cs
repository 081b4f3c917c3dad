using Img.Engine.Oci;
using Img.Engine.RemoteCache.Inline;

namespace Img.Engine.RemoteCache;

/// <summary>Reads the description out of the blob that holds it: a cache artifact's config, or an image config carrying an inline cache.</summary>
public static class CacheDescriptionBlob
{
    /// <exception cref="InvalidDataException">Not a description of this version, or an image config without one.</exception>
    public static CacheDescription Read(Descriptor blob, ReadOnlySpan<byte> bytes)
    {
        if (blob.MediaType.StartsWith(CacheDescription.MediaTypePrefix, StringComparison.Ordinal))
            return CacheDescription.Parse(bytes);
        if (MediaTypes.IsConfig(blob.MediaType))
            return InlineCache.Extract(bytes) ?? throw new InvalidDataException($"image config {blob.Digest} carries no inline cache");
        throw new InvalidDataException($"{blob.Digest} is a {blob.MediaType}, not a cache description");
    }
}
