using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Shows each base image lookup of the conversion as BuildKit does:
/// <c>[internal] load metadata for docker.io/library/busybox:latest</c>, once per image and
/// platform however many stages start from it (BuildKit asks its resolver once, too). A
/// multi-platform build (<paramref name="prefixPlatform"/>) names the platform:
/// <c>[linux/arm64 internal] load metadata for ...</c>.
/// </summary>
internal sealed class MetadataProgressResolver(IImageConfigResolver inner, IProgressWriter display, bool prefixPlatform = false) : IImageConfigResolver
{
    private readonly Dictionary<(string, string), Task<ResolvedImageConfig?>> _lookups = new();

    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        var key = (reference, platform.ToString());
        Task<ResolvedImageConfig?> lookup;
        lock (_lookups)
        {
            if (!_lookups.TryGetValue(key, out lookup!))
                _lookups[key] = lookup = LookUpAsync(reference, platform, cancellationToken);
        }
        return await lookup;
    }

    private async Task<ResolvedImageConfig?> LookUpAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        ResolvedImageConfig? result = null;
        var prefix = prefixPlatform ? $"[{Img.Engine.Platforms.PlatformSpec.FormatAll(platform)} internal]" : "[internal]";
        await display.StepAsync(prefix + " load metadata for " + reference, async () =>
        {
            result = await inner.ResolveAsync(reference, platform, cancellationToken);
        });
        return result;
    }
}
