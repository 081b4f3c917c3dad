using System.Text.Json.Serialization;
using Img.Engine.Oci;

namespace Img.Engine.RemoteCache;

/// <summary>
/// One cache key of a <see cref="CacheDescription"/> and the result recorded under it.
/// </summary>
/// <param name="Key">The vertex's cache key (<c>Solver.CacheKey</c>), exactly as a local build computes it.</param>
/// <param name="Inputs">The cache keys of the vertex's inputs, in input order (its parents in the build graph).</param>
/// <param name="Chain">The result's filesystem: positions in <see cref="CacheDescription.Layers"/>, bottom first (empty: scratch, or no filesystem).</param>
/// <param name="Image">Export vertices: the image manifest they produced (in the cache's repository or directory).</param>
/// <param name="CarrierImage">Inline caches: the export vertex's image is the image whose config carries this description (its own digest cannot be written inside it).</param>
public sealed record CacheRecord(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("inputs")] IReadOnlyList<string> Inputs,
    [property: JsonPropertyName("chain")] IReadOnlyList<int> Chain,
    [property: JsonPropertyName("image"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Descriptor? Image = null,
    [property: JsonPropertyName("carrierImage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool CarrierImage = false)
{
    /// <summary>Whether the record is an export vertex's image rather than a filesystem.</summary>
    [JsonIgnore]
    public bool IsImage => Image is not null || CarrierImage;
}
