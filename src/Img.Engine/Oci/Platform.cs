using System.Text.Json.Serialization;

namespace Img.Engine.Oci;

/// <summary>An OCI platform (<c>linux/amd64</c>, <c>linux/arm/v7</c>).</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }
    [JsonPropertyName("os.features"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OsFeatures { get; init; }
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary><c>os/arch[/variant]</c>, the form <c>--platform</c> takes.</summary>
    public override string ToString() =>
        string.IsNullOrEmpty(Variant) ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
