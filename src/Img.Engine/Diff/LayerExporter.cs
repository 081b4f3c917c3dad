using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>Diff + compress + digest in one pass: the layer of <c>upper</c> over <c>lower</c> written as a blob.</summary>
public static class LayerExporter
{
    /// <param name="parallelism">Compression threads; 0 = one per core.</param>
    public static async Task<LayerBlob> ExportAsync(IDiffComparer comparer, IReadOnlyList<Mount> lower, IReadOnlyList<Mount> upper,
        Stream destination, LayerCompressionOptions compression, DiffOptions options, int parallelism = 0, CancellationToken ct = default)
    {
        using var writer = new LayerBlobWriter(destination, compression, parallelism);
        await comparer.CompareAsync(lower, upper, writer, options, ct).ConfigureAwait(false);
        return writer.Complete();
    }
}
