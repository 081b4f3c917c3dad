using Img.Engine.Oci;

namespace Img.Engine.Worker.Sources;

/// <summary>A base image is neither in the local store nor pullable.</summary>
public sealed class BaseImageNotFoundException(string reference, Platform? platform, string reason)
    : Exception($"failed to resolve source metadata for {reference}{(platform is null ? "" : " (" + platform.Os + "/" + platform.Architecture + ")")}: {reason}")
{
    public string Reference { get; } = reference;
}
