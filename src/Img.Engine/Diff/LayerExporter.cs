using System.IO.Compression;
using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>Diff + compress + digest in one pass: the layer of <c>upper</c> over <c>lower</c> written as a blob.</summary>
public static class LayerExporter
{
    public static async Task<LayerBlob> ExportAsync(IDiffComparer comparer, IReadOnlyList<Mount> lower, IReadOnlyList<Mount> upper,
        Stream destination, LayerCompression compression, DiffOptions options, int parallelism = 0,
        CompressionLevel level = CompressionLevel.Optimal, CancellationToken ct = default)
    {
        using var writer = new LayerBlobWriter(destination, compression, level, parallelism);
        await comparer.CompareAsync(lower, upper, writer, options, ct).ConfigureAwait(false);
        return writer.Complete();
    }
}
