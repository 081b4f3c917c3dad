using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// The converter's base image lookups when layers may never be needed (a standalone build with
/// cache imports: an imported result above the base makes its layers unnecessary): the local
/// store when it has the image, else the registry's manifest and config, never the layers. The
/// FROM is pinned to the digest the name resolves to.
/// </summary>
/// <param name="refresh"><c>--pull</c>: every tag is asked of its registry, whatever the store has.</param>
public sealed class RemoteImageConfigResolver(BaseImageLocator locator, bool refresh = false) : IImageConfigResolver
{
    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        var (config, digest) = await locator.ResolveConfigAsync(reference, platform, cancellationToken, refresh).ConfigureAwait(false);
        return new ResolvedImageConfig(config, digest);
    }
}
