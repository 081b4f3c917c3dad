using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Looks up a base image's config (ENV, WORKDIR, USER, SHELL, ONBUILD...) for the converter.
/// The registry-backed implementation lives with the registry client; tests use a fake.
/// </summary>
public interface IImageConfigResolver
{
    /// <param name="reference">The normalised reference (<c>docker.io/library/alpine:latest</c>).</param>
    /// <param name="platform">The platform the stage builds for.</param>
    /// <returns>The image's config, or null when it is not known (the stage then starts from an
    /// empty config on top of the image's filesystem).</returns>
    ValueTask<ImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken);
}
