using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// FROM an image (BuildKit's <c>source/containerimage</c>): locate it (store, else pull), unpack
/// its layers into chain-ID snapshots. The result is the top snapshot, with
/// <see cref="CacheResult.Image"/> = the base manifest, whose layer blobs the export reuses.
/// An OCI layout named context (<see cref="SourceKind.OciLayout"/>) is found in the content store by digest.
/// A pull here reports no progress: the vertex log carries text lines only, and the converter has
/// normally pulled the image already (<see cref="LocalImageConfigResolver"/>).
/// </summary>
internal sealed class ImageSourceExecutor(BaseImageLocator locator, LayerChainUnpacker unpacker)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, SourceOp op, CancellationToken ct)
    {
        var image = op.SourceKind == SourceKind.OciLayout
            ? await locator.ResolveStoredAsync(op.Identifier, op.Platform, ct).ConfigureAwait(false)
            : await locator.ResolveAsync(op.Identifier, op.Platform, pullProgress: null, ct).ConfigureAwait(false);
        var top = await unpacker.UnpackAsync(image, ct).ConfigureAwait(false);
        return new CacheResult(top ?? "", Image: image.ManifestDescriptor);
    }
}
