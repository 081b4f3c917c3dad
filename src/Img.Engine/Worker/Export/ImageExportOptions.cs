using Img.Engine.Diff;

namespace Img.Engine.Worker.Export;

/// <summary>How <see cref="ImageExporter"/> writes layers and documents.</summary>
public sealed record ImageExportOptions
{
    /// <summary>Layer compression, level and force; gzip by default, like BuildKit.</summary>
    public LayerCompressionOptions Compression { get; init; } = LayerCompressionOptions.Default;

    /// <summary>Compression threads per layer (0 = one per core).</summary>
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
