using System.IO.Compression;
using Img.Engine.Diff;

namespace Img.Engine.Worker.Export;

/// <summary>How <see cref="ImageExporter"/> writes layers and documents.</summary>
public sealed record ImageExportOptions
{
    /// <summary>Layer compression; gzip by default, like BuildKit.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>gzip workers per layer (0 = every core, 1 = a plain single-stream gzip).</summary>
    public int CompressionParallelism { get; init; }

    /// <summary>
    /// <c>SOURCE_DATE_EPOCH</c>: layer entry times, history and config <c>created</c> later than
    /// this are clamped to it (reproducible images).
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>OCI media types (BuildKit's default); false = Docker schema 2 types.</summary>
    public bool OciMediaTypes { get; init; } = true;

    /// <summary>Layers diffed at the same time during one export.</summary>
    public int MaxConcurrentLayers { get; init; } = Math.Max(1, Environment.ProcessorCount);
}
