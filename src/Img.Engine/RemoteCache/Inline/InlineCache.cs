using System.Text.Json;
using Img.Engine.Worker.Export;

namespace Img.Engine.RemoteCache.Inline;

/// <summary>
/// An inline cache (<c>--cache-to type=inline</c>): the <see cref="CacheDescription"/> as a field
/// of the image's own config, so that the pushed image is its own cache
/// (<c>--cache-from IMAGE</c>), as BuildKit's <c>moby.buildkit.cache.v0</c>. Its layers are the
/// image's layers; the export vertex's record names the image carrying it
/// (<see cref="CacheRecord.CarrierImage"/>). Docker, OCI tools and img ignore the field otherwise.
/// </summary>
public static class InlineCache
{
    /// <summary>The config field holding the description.</summary>
    public const string ConfigKey = "img.cache";

    /// <summary>The config with the description in it (the image id changes, as with BuildKit's inline cache).</summary>
    public static byte[] Embed(ReadOnlySpan<byte> config, CacheDescription description) =>
        ImageDocuments.ConfigWith(config, ConfigKey, description.ToJsonElement());

    /// <summary>The description a config carries; null when it carries none.</summary>
    /// <exception cref="InvalidDataException">The config is not JSON, or the description is malformed or of another version.</exception>
    public static CacheDescription? Extract(ReadOnlySpan<byte> config)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(config.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"image config is not JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(ConfigKey, out var field))
                return null;
            return CacheDescription.Parse(field);
        }
    }
}
