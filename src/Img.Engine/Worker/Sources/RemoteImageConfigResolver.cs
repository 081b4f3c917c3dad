using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// The converter's base image lookups for a build whose steps run elsewhere (a cluster): the
/// local store when it has the image, else the registry's manifest and config, never the layers
/// (the nodes pull those). The FROM is pinned to the digest the name resolves to.
/// </summary>
public sealed class RemoteImageConfigResolver(BaseImageLocator locator) : IImageConfigResolver
{
    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        var (config, digest) = await locator.ResolveConfigAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        return new ResolvedImageConfig(config, digest);
    }
}
