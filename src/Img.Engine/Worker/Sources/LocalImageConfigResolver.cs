using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// The converter's base image lookups (<see cref="IImageConfigResolver"/>) answered from the
/// local image store first, then the registry (the image is pulled whole: its layers are needed
/// by the build anyway). A base image that cannot be found fails the conversion, as BuildKit's
/// metadata resolution does. The digest returned (the converter pins FROM to it) is the one the
/// name resolves to: the index the image was pulled from, else the stored manifest.
/// </summary>
/// <param name="refresh"><c>--pull</c>: every tag is pulled again, whatever the store has.</param>
public sealed class LocalImageConfigResolver(BaseImageLocator locator, IProgress<TransferEvent>? pullProgress = null, bool refresh = false) : IImageConfigResolver
{
    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        var image = await locator.ResolveAsync(reference, platform, pullProgress, cancellationToken, refresh).ConfigureAwait(false);
        return new ResolvedImageConfig(image.Config, BaseImageLocator.RootDigest(image.Image));
    }
}
