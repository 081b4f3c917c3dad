using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>One step of an image's history; <see cref="EmptyLayer"/> marks config-only steps.</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("created_by"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }
    [JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; init; }
    [JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Comment { get; init; }
    [JsonPropertyName("empty_layer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EmptyLayer { get; init; }
}
