using System.Text.Json.Serialization;

namespace Img.Engine.Worker.Export;

/// <summary>A snapshot's exported layer: blob descriptor fields and diffID (persisted by <see cref="LayerBlobCache"/>).</summary>
public sealed record LayerRecord(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("diffID")] string DiffId)
{
    public Oci.Descriptor ToDescriptor() => new() { MediaType = MediaType, Digest = Digest, Size = Size };
}
