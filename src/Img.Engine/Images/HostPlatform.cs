using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Images;

/// <summary>
/// The host platform and <c>--platform</c> values for the image commands. Thin calls into
/// <see cref="PlatformSpec"/> (the one parser, with containerd's normalisation) and
/// <see cref="PlatformMatcher"/> (the one matching rule).
/// </summary>
public static class HostPlatform
{
    /// <summary>This machine's platform: <see cref="PlatformSpec.Default"/>.</summary>
    public static Platform Current { get; } = PlatformSpec.Default();

    /// <summary>Parses a platform specifier with <see cref="PlatformSpec.Parse"/> (<c>linux/arm64</c>, <c>linux/arm/v7</c>, <c>arm64</c>).</summary>
    /// <exception cref="FormatException">Not a valid specifier.</exception>
    public static Platform Parse(string text) => PlatformSpec.Parse(text);

    /// <summary>Whether an image for <paramref name="candidate"/> runs on <paramref name="wanted"/> (<see cref="PlatformMatcher.CanRun"/>).</summary>
    public static bool Matches(Platform candidate, Platform wanted) => PlatformMatcher.CanRun(candidate, wanted);
}
