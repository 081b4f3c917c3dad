using Img.Engine.Oci;
using Img.Engine.Platforms;
using Xunit;

namespace Img.Engine.Tests.Platforms;

public class PlatformSpecTests
{
    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("Linux/AMD64", "linux/amd64")]
    [InlineData("arm64", "linux/arm64")]
    public void ParsesAndNormalises(string text, string expected) => Assert.Equal(expected, PlatformSpec.Parse(text).ToString());

    [Fact]
    public void RejectsBadComponents()
    {
        var e = Assert.Throws<FormatException>(() => PlatformSpec.Parse("linux/"));
        Assert.Equal("\"\" is an invalid component of \"linux/\": platform specifier component must match \"^[A-Za-z0-9_.-]+$\": invalid argument", e.Message);
        Assert.Throws<FormatException>(() => PlatformSpec.Parse("a/b/c/d"));
    }

    [Fact]
    public void AnOsAloneMeansTheDefaultArchitecture() =>
        Assert.Equal(PlatformSpec.Default(), PlatformSpec.Parse("linux"));

    [Theory]
    [InlineData("i386", "", "386", null)]
    [InlineData("amd64", "v1", "amd64", null)]
    [InlineData("arm", "6", "arm", "v6")]
    [InlineData("armel", null, "arm", "v6")]
    [InlineData("arm64", "v8.0", "arm64", null)]
    public void NormalizesArchitecturesAndVariants(string arch, string? variant, string expectedArch, string? expectedVariant)
    {
        var p = PlatformSpec.Normalize(new Platform { Os = "Linux", Architecture = arch, Variant = variant });
        Assert.Equal(new Platform { Os = "linux", Architecture = expectedArch, Variant = expectedVariant }, p);
    }

    [Fact]
    public void DefaultIsLinux()
    {
        var p = PlatformSpec.Default();
        Assert.Equal("linux", p.Os);
        Assert.NotEmpty(p.Architecture);
        Assert.Equal("linux/arm64(10.0)", PlatformSpec.FormatAll(new Platform { Os = "linux", Architecture = "arm64", OsVersion = "10.0" }));
    }
}
