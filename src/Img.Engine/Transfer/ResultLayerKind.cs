using System.Text.Json.Serialization;

namespace Img.Engine.Transfer;

/// <summary>What a layer of a transferred result was on the producer, which decides how the consumer labels it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultLayerKind>))]
public enum ResultLayerKind
{
    /// <summary>
    /// An unpacked base image layer (a chain snapshot with <c>img.layer.*</c> labels): its blob is
    /// reused byte for byte by exports, on the consumer as on the producer.
    /// </summary>
    [JsonStringEnumMemberName("base")]
    Base,

    /// <summary>
    /// A build step's layer (its snapshot's diff over its parent): exports with other settings diff
    /// it again, so the consumer must not label it as an image layer.
    /// </summary>
    [JsonStringEnumMemberName("step")]
    Step,
}
