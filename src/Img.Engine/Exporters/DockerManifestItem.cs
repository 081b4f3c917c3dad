using System.Text.Json.Serialization;

namespace Img.Engine.Exporters;

/// <summary>One entry of a docker-archive's <c>manifest.json</c> (docker-image-spec v1.2 "combined image" format).</summary>
public sealed record DockerManifestItem
{
    /// <summary>Archive path of the config JSON (<c>blobs/sha256/&lt;hex&gt;</c> or legacy <c>&lt;hex&gt;.json</c>).</summary>
    [JsonPropertyName("Config")] public string Config { get; init; } = "";

    /// <summary>Familiar names (<c>busybox:latest</c>); null or empty for an untagged image.</summary>
    [JsonPropertyName("RepoTags")] public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>Archive paths of the layer tars, bottom first, in <c>rootfs.diff_ids</c> order.</summary>
    [JsonPropertyName("Layers")] public IReadOnlyList<string> Layers { get; init; } = [];
}
