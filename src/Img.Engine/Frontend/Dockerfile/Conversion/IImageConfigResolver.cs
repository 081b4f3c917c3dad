using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Looks up a base image's config (ENV, WORKDIR, USER, SHELL, ONBUILD...) and its digest for the
/// converter (BuildKit's <c>ResolveImageConfig</c>). The store/registry-backed implementation
/// lives with the worker; tests use a fake.
/// </summary>
public interface IImageConfigResolver
{
    /// <param name="reference">The normalised reference (<c>docker.io/library/alpine:latest</c>).</param>
    /// <param name="platform">The platform the stage builds for.</param>
    /// <returns>The image's config and digest, or null when it is not known (the stage then
    /// starts from an empty config on top of the image's filesystem, unpinned).</returns>
    ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken);

    /// <summary>
    /// The same, for a lookup that is not a base image's: <paramref name="logName"/> is how progress
    /// names it (BuildKit's <c>LogName</c>: <c>[context NAME] load metadata for REF</c> for a named
    /// context). Resolvers that show no progress need not care.
    /// </summary>
    ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, string logName, CancellationToken cancellationToken) =>
        ResolveAsync(reference, platform, cancellationToken);
}

/// <summary>What <see cref="IImageConfigResolver"/> found for a base image.</summary>
/// <param name="Config">The image config of the platform's manifest.</param>
/// <param name="ManifestDigest">The digest the reference resolves to (the index when there is one,
/// else the manifest: what a registry reports for the tag), <c>sha256:...</c>; the converter pins
/// the FROM to it (<c>name:tag@digest</c>). Null = not pinned.</param>
public sealed record ResolvedImageConfig(ImageConfig Config, string? ManifestDigest);
