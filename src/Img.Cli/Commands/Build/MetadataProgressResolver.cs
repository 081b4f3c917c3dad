using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Shows each base image lookup of the conversion as BuildKit does:
/// <c>[internal] load metadata for docker.io/library/busybox:latest</c>, once per image and
/// platform however many stages start from it (BuildKit asks its resolver once, too). A
/// multi-platform build (<paramref name="prefixPlatform"/>) names the platform:
/// <c>[linux/arm64 internal] load metadata for ...</c>. A named context's image is named as BuildKit
/// names it, after the context and the reference as written, whatever the platforms:
/// <c>[context NAME] load metadata for REF</c>.
/// </summary>
internal sealed class MetadataProgressResolver(IImageConfigResolver inner, IProgressWriter display, bool prefixPlatform = false) : IImageConfigResolver
{
    private readonly Dictionary<(string, string, string), Task<ResolvedImageConfig?>> _lookups = new();

    public ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
    {
        var prefix = prefixPlatform ? $"[{Img.Engine.Platforms.PlatformSpec.FormatAll(platform)} internal]" : "[internal]";
        return ResolveAsync(reference, platform, prefix + " load metadata for " + reference, cancellationToken);
    }

    public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, string logName, CancellationToken cancellationToken)
    {
        var key = (logName, reference, platform.ToString());
        Task<ResolvedImageConfig?> lookup;
        lock (_lookups)
        {
            if (!_lookups.TryGetValue(key, out lookup!))
                _lookups[key] = lookup = LookUpAsync(reference, platform, logName, cancellationToken);
        }
        return await lookup;
    }

    private async Task<ResolvedImageConfig?> LookUpAsync(string reference, Platform platform, string logName, CancellationToken cancellationToken)
    {
        ResolvedImageConfig? result = null;
        await display.StepAsync(logName, async () =>
        {
            result = await inner.ResolveAsync(reference, platform, cancellationToken);
        });
        return result;
    }
}
