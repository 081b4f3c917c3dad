using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>A content descriptor: what a blob is, its digest and its size.</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = "";
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; init; }
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    [JsonPropertyName("platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }
}
