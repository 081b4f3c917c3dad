using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>An image configuration blob (OCI <c>config.v1</c>, same JSON as Docker's).</summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; init; }
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }
    [JsonPropertyName("config")] public ContainerConfig Config { get; init; } = new();
    [JsonPropertyName("rootfs")] public RootFs RootFs { get; init; } = new();
    [JsonPropertyName("history"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HistoryEntry>? History { get; init; }
}
