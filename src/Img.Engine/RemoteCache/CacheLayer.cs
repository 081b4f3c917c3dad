using System.Text.Json.Serialization;
using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// One layer blob of a <see cref="CacheDescription"/>: what a <see cref="ResultLayer"/> says
/// (kind, blob, diffID, history metadata), plus how img wrote a step layer's blob.
/// Records name layers by their position in <see cref="CacheDescription.Layers"/>.
/// </summary>
/// <param name="Format">Step layers img wrote: its blob format and compression (a consumer with the same format records the blob as its own export, so it is never diffed again); null otherwise.</param>
public sealed record CacheLayer(
    [property: JsonPropertyName("kind")] ResultLayerKind Kind,
    [property: JsonPropertyName("blob")] Descriptor Blob,
    [property: JsonPropertyName("diffID")] string DiffId,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("baseManifest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BaseManifest = null,
    [property: JsonPropertyName("format"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ResultLayerFormat? Format = null)
{
    /// <summary>The layer of a result lineage whose step blobs were written with <paramref name="format"/> (null: not known).</summary>
    public static CacheLayer From(ResultLayer layer, ResultLayerFormat? format) => new(
        layer.Kind,
        new Descriptor { MediaType = layer.Blob.MediaType, Digest = layer.Blob.Digest, Size = layer.Blob.Size },
        layer.DiffId, layer.Description, layer.Created.ToUniversalTime(), layer.BaseManifest,
        layer.Kind == ResultLayerKind.Step ? format : null);

    /// <summary>The lineage layer this entry describes.</summary>
    public ResultLayer ToResultLayer() => new(Kind, Blob, DiffId, Description, Created, BaseManifest);
}
