using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Xunit;

namespace Img.Engine.Tests.Platforms;

public sealed class PlatformMatcherTests
{
    private static Descriptor D(string platform, string id)
    {
        var parts = platform.Split('/');
        return new Descriptor
        {
            Digest = id,
            Platform = new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length > 2 ? parts[2] : null },
        };
    }

    private static readonly Descriptor[] Index =
    [
        D("linux/amd64", "amd64"), D("linux/arm64/v8", "arm64"), D("linux/arm/v7", "armv7"), D("linux/arm/v5", "armv5"),
        D("unknown/unknown", "attestation"), D("windows/amd64", "windows"),
    ];

    [Theory]
    [InlineData("linux/amd64", "amd64")]
    [InlineData("linux/x86_64", "amd64")]
    [InlineData("linux/amd64/v2", "amd64")]
    [InlineData("linux/arm64", "arm64")]
    [InlineData("linux/arm64/v8", "arm64")]
    [InlineData("linux/aarch64", "arm64")]
    [InlineData("linux/arm", "armv7")]
    [InlineData("linux/arm/v7", "armv7")]
    [InlineData("linux/arm/v6", "armv5")]
    [InlineData("windows/amd64", "windows")]
    public void Selects_the_best_match(string wanted, string expected)
    {
        Assert.Equal(expected, PlatformMatcher.Select(Index, PlatformSpec.Parse(wanted))?.Digest);
    }

    [Theory]
    [InlineData("linux/386")]
    [InlineData("linux/arm/v4")]
    [InlineData("darwin/arm64")]
    public void No_match_is_null(string wanted)
    {
        Assert.Null(PlatformMatcher.Select(Index, PlatformSpec.Parse(wanted)));
    }

    [Fact]
    public void Exact_variant_beats_a_fallback()
    {
        Descriptor[] index = [D("linux/arm/v6", "v6"), D("linux/arm/v7", "v7")];
        Assert.Equal("v7", PlatformMatcher.Select(index, PlatformSpec.Parse("linux/arm/v7"))?.Digest);
        Assert.Equal("v6", PlatformMatcher.Select(index, PlatformSpec.Parse("linux/arm/v6"))?.Digest);
    }

    [Fact]
    public void Host_is_linux()
    {
        var host = PlatformSpec.Default();
        Assert.Equal("linux", host.Os);
        Assert.False(string.IsNullOrEmpty(host.Architecture));
    }

    [Theory]
    [InlineData("linux/")]
    [InlineData("a/b/c/d")]
    public void Bad_platform_strings_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => PlatformSpec.Parse(text));
    }

    [Theory]
    [InlineData("linux/arm64/v8", "linux/arm64", true)]
    [InlineData("linux/aarch64", "linux/arm64", true)]
    [InlineData("linux/arm/v6", "linux/arm", true)]
    [InlineData("linux/arm/v7", "linux/arm/v6", false)]
    [InlineData("linux/amd64/v2", "linux/amd64", false)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    public void Host_platform_is_a_thin_call_into_platforms(string candidate, string wanted, bool runs)
    {
        Assert.Equal(PlatformSpec.Parse(candidate), HostPlatform.Parse(candidate));
        Assert.Equal(runs, HostPlatform.Matches(HostPlatform.Parse(candidate), HostPlatform.Parse(wanted)));
        Assert.Equal(PlatformSpec.Default(), HostPlatform.Current);
    }
}
