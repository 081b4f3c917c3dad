using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>An image manifest, OCI or Docker v2 schema 2 (the JSON shapes are the same).</summary>
public sealed record ImageManifest
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MediaType { get; init; }
    [JsonPropertyName("config")] public Descriptor Config { get; init; } = new();
    [JsonPropertyName("layers")] public IReadOnlyList<Descriptor> Layers { get; init; } = [];
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
