using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// FROM an image (BuildKit's <c>source/containerimage</c>): locate it (store, else pull), unpack
/// its layers into chain-ID snapshots. The result is the top snapshot, with
/// <see cref="CacheResult.Image"/> = the base manifest, whose layer blobs the export reuses.
/// </summary>
internal sealed class ImageSourceExecutor(BaseImageLocator locator, LayerChainUnpacker unpacker)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, SourceOp op, CancellationToken ct)
    {
        using var pullOutput = new LogWriter(job.Log, VertexLogStream.Stderr);
        var image = await locator.ResolveAsync(op.Identifier, op.Platform, pullOutput, ct).ConfigureAwait(false);
        var top = await unpacker.UnpackAsync(image, ct).ConfigureAwait(false);
        return new CacheResult(top ?? "", Image: image.ManifestDescriptor);
    }
}
