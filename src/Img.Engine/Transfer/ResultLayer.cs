using System.Text.Json.Serialization;
using Img.Engine.Oci;

namespace Img.Engine.Transfer;

/// <summary>One layer of a <see cref="ResultManifest"/>, bottom first.</summary>
/// <param name="Blob">The compressed layer in the producer's content store.</param>
/// <param name="DiffId">The uncompressed tar's digest; checked while unpacking, and the chain ID is made of it.</param>
/// <param name="Description">The step's progress name (<c>img.description</c>): history of layers the image config does not describe.</param>
/// <param name="Created">When the producer committed the layer's snapshot (history time of such layers).</param>
/// <param name="BaseManifest">Step layers: the base image the step descends from (<c>img.base.manifest</c>), if known.</param>
public sealed record ResultLayer(
    [property: JsonPropertyName("kind")] ResultLayerKind Kind,
    [property: JsonPropertyName("blob")] Descriptor Blob,
    [property: JsonPropertyName("diffID")] string DiffId,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("baseManifest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BaseManifest = null);
