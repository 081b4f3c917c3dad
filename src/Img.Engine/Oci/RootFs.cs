using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>The uncompressed layer digests (diffIDs) of an image, bottom first.</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")] public string Type { get; init; } = "layers";
    [JsonPropertyName("diff_ids")] public IReadOnlyList<string> DiffIds { get; init; } = [];
}
