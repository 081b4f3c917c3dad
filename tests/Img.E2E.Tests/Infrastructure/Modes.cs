namespace Img.E2E.Tests.Infrastructure;

public static class Modes
{
    /// <summary>An octal mode such as <c>"1777"</c>.</summary>
    public static UnixFileMode Parse(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
