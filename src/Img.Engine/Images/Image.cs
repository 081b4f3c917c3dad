using System.Text.Json.Serialization;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// A named image in the local store: a canonical reference string pointing at the root blob
/// (a manifest or an index) in the content store.
/// </summary>
public sealed record Image
{
    /// <summary>The canonical reference, e.g. <c>docker.io/library/busybox:latest</c>.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The manifest or index the name points at.</summary>
    [JsonPropertyName("target")] public required Descriptor Target { get; init; }

    /// <summary>When the name was first stored.</summary>
    [JsonPropertyName("createdAt")] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the name was last pointed at a target.</summary>
    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Free-form labels (not the image config's labels).</summary>
    [JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
