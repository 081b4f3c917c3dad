using System.Text.Json.Serialization;
using Img.Engine.Diff;
using Img.Engine.Worker.Export;

namespace Img.Engine.Transfer;

/// <summary>
/// How the producer wrote the step layers' blobs: img's blob format version
/// (<see cref="LayerBlobFormat.Version"/>), compression and level. A consumer whose img writes
/// the same format records the blobs as its own exports with these settings (no diff later); any
/// other consumer just unpacks them.
/// </summary>
public sealed record ResultLayerFormat(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("compression")] string Compression,
    [property: JsonPropertyName("level")] int Level)
{
    /// <summary>The format of step layers written with <paramref name="options"/> by this img.</summary>
    public static ResultLayerFormat Of(ImageExportOptions options) =>
        new(LayerBlobFormat.Version, LayerCompressionOptions.NameOf(options.Compression.Compression), options.Compression.EffectiveLevel);

    /// <summary>
    /// The export settings under which this img would have written these blobs itself, or null
    /// when it would not (another format version, an unknown compression).
    /// </summary>
    public ImageExportOptions? ToExportOptions()
    {
        if (Format != LayerBlobFormat.Version)
            return null;
        LayerCompression? compression = Compression switch
        {
            "uncompressed" => LayerCompression.None,
            "gzip" => LayerCompression.Gzip,
            "zstd" => LayerCompression.Zstd,
            _ => null,
        };
        return compression is { } c ? new ImageExportOptions { Compression = new LayerCompressionOptions(c, Level) } : null;
    }
}
