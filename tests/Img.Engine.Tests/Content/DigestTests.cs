using System.Text;
using Img.Engine.Content;
using Xunit;

namespace Img.Engine.Tests.Content;

public class DigestTests
{
    // sha256("hello")
    private const string HelloHex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public void Compute_and_parse_round_trip()
    {
        var d = Digest.Compute(Encoding.ASCII.GetBytes("hello"));
        Assert.Equal("sha256:" + HelloHex, d.ToString());
        Assert.Equal(d, Digest.Parse("sha256:" + HelloHex));
        Assert.Equal(HelloHex, d.Hex);
        Assert.Equal("sha256", d.Algorithm);
        Assert.Equal("2cf24dba5fb0", d.ShortId);
        Assert.Equal(d, Digest.FromHex(HelloHex));
    }

    [Fact]
    public async Task Stream_hasher_and_digesting_stream_agree()
    {
        var data = Encoding.ASCII.GetBytes("hello");
        Assert.Equal(HelloHex, (await Digest.ComputeAsync(new MemoryStream(data))).Hex);
        using var h = new DigestHasher();
        h.Append(data.AsSpan(0, 2));
        h.Append(data.AsSpan(2));
        Assert.Equal(HelloHex, h.Digest.Hex);
        Assert.Equal(5, h.Length);
        using var ds = new DigestingStream(new MemoryStream(data));
        await ds.CopyToAsync(Stream.Null);
        Assert.Equal(HelloHex, ds.Digest.Hex);
    }

    [Theory]
    [InlineData("", "invalid checksum digest format")]
    [InlineData("sha256", "invalid checksum digest format")]
    [InlineData("sha256:", "invalid checksum digest format")]
    [InlineData(":" + HelloHex, "invalid checksum digest format")]
    [InlineData("SHA256:" + HelloHex, "invalid checksum digest format")]
    [InlineData("sha256:" + "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824", "lower-case")]
    [InlineData("sha256:abc", "invalid checksum digest length")]
    [InlineData("sha256:" + HelloHex + "0", "invalid checksum digest length")]
    [InlineData("sha512:" + HelloHex + HelloHex, "unsupported digest algorithm sha512")]
    [InlineData("sha384:" + HelloHex, "unsupported digest algorithm sha384")]
    [InlineData("blake3:" + HelloHex, "unsupported digest algorithm blake3")]
    [InlineData("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "unsupported digest algorithm sha256+b64u")]
    public void Invalid_digests_are_refused_clearly(string text, string fragment)
    {
        var e = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Contains(fragment, e.Message);
        Assert.False(Digest.TryParse(text, out _));
    }

    [Fact]
    public void Default_digest_is_empty()
    {
        Digest d = default;
        Assert.True(d.IsEmpty);
        Assert.Equal("", d.ToString());
        Assert.Throws<InvalidOperationException>(() => d.Hex);
    }
}
