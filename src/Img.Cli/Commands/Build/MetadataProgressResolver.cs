using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Shows each base image lookup of the conversion as BuildKit does:
/// <c>[internal] load metadata for docker.io/library/busybox:latest</c>.
/// </summary>
internal sealed class MetadataProgressResolver(IImageConfigResolver inner, IProgressWriter display) : IImageConfigResolver
{
    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        ResolvedImageConfig? result = null;
        await display.StepAsync("[internal] load metadata for " + reference, async () =>
        {
            result = await inner.ResolveAsync(reference, platform, cancellationToken);
        });
        return result;
    }
}
