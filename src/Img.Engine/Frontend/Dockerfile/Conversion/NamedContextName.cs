using Img.Engine.References;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// The key a named context is known by: the familiar form of the name parsed as an image
/// reference, without <c>:latest</c> (buildx and BuildKit both normalise so), so
/// <c>--build-context alpine=...</c> answers <c>FROM alpine</c>, <c>FROM alpine:latest</c> and
/// <c>FROM docker.io/library/alpine</c>.
/// </summary>
public static class NamedContextName
{
    /// <exception cref="InvalidReferenceException">The name is no valid reference.</exception>
    public static string Normalize(string name)
    {
        var familiar = ImageReference.ParseNormalized(name).FamiliarName;
        return familiar.EndsWith(":" + ImageReference.DefaultTag, StringComparison.Ordinal)
            ? familiar[..^(ImageReference.DefaultTag.Length + 1)]
            : familiar;
    }

    /// <summary>Like <see cref="Normalize"/>, null for a name that is no reference.</summary>
    public static string? TryNormalize(string name)
    {
        try
        {
            return Normalize(name);
        }
        catch (InvalidReferenceException)
        {
            return null;
        }
    }
}
