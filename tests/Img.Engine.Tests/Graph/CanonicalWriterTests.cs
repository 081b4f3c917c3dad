using Img.Engine.Graph;
using Xunit;

namespace Img.Engine.Tests.Graph;

public class CanonicalWriterTests
{
    [Fact]
    public void SameValuesSameBytes()
    {
        static byte[] Write() => new CanonicalWriter().Field("a").String("x").Int(5).Bool(true).Strings(["p", "q"]).ToArray();
        Assert.Equal(Write(), Write());
    }

    [Fact]
    public void BoundariesAreUnambiguous()
    {
        var ab = new CanonicalWriter().String("ab").String("c").Digest();
        var a_bc = new CanonicalWriter().String("a").String("bc").Digest();
        Assert.NotEqual(ab, a_bc);
        Assert.NotEqual(new CanonicalWriter().String(null).Digest(), new CanonicalWriter().String("").Digest());
        Assert.NotEqual(new CanonicalWriter().Strings([]).Digest(), new CanonicalWriter().Strings(null).Digest());
    }

    [Fact]
    public void MapsAreSortedByKey()
    {
        var one = new CanonicalWriter().Map(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }).Digest();
        var two = new CanonicalWriter().Map(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }).Digest();
        Assert.Equal(one, two);
    }

    [Fact]
    public void DigestFormat()
    {
        var d = new CanonicalWriter().String("x").Digest();
        Assert.Matches("^sha256:[0-9a-f]{64}$", d.Value);
        Assert.Equal(d.Value[7..19], d.Short);
    }
}
