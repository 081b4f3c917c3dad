using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>An OCI image index or Docker manifest list: one manifest per platform.</summary>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }
    [JsonPropertyName("manifests")] public IReadOnlyList<Descriptor> Manifests { get; init; } = [];
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
