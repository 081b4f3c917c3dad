using Img.Engine.Context.Checksums;
using Xunit;

namespace Img.Engine.Tests.Context.Checksums;

public sealed class GoPathMatchTests
{
    // Cases from the behaviour of Go's path.Match.
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("*", "abc", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "ab/c", false)]
    [InlineData("a*/b", "abc/b", true)]
    [InlineData("a*/b", "a/c/b", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/f", true)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false)]
    [InlineData("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzx", true)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzy", false)]
    [InlineData("ab[c]", "abc", true)]
    [InlineData("ab[b-d]", "abc", true)]
    [InlineData("ab[e-g]", "abc", false)]
    [InlineData("ab[^c]", "abc", false)]
    [InlineData("ab[^b-d]", "abc", false)]
    [InlineData("ab[^e-g]", "abc", true)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "ab", false)]
    [InlineData("a?b", "a☺b", true)]
    [InlineData("a[^a]b", "a☺b", true)]
    [InlineData("a???b", "a☺b", false)]
    [InlineData("[a-ζ]*", "α", true)]
    [InlineData("*[a-ζ]", "A", false)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("a*b", "a/b", false)]
    [InlineData("[\\]a]", "]", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[x\\-]", "x", true)]
    [InlineData("[x\\-]", "-", true)]
    [InlineData("[x\\-]", "z", false)]
    [InlineData("[\\-x]", "a", false)]
    [InlineData("*x", "xxx", true)]
    [InlineData("**", "abc", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    public void Matches_like_go(string pattern, string name, bool expected)
    {
        Assert.True(GoPathMatch.IsValid(pattern));
        Assert.Equal(expected, GoPathMatch.Match(pattern, name));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("[^")]
    [InlineData("a[")]
    [InlineData("[]a]")]
    [InlineData("[-]")]
    [InlineData("[x-]")]
    [InlineData("\\")]
    public void Rejects_bad_patterns(string pattern) => Assert.False(GoPathMatch.IsValid(pattern));

    [Theory]
    [InlineData("a*b", true)]
    [InlineData("a?", true)]
    [InlineData("[ab]", true)]
    [InlineData("a\\*b", false)]
    [InlineData("plain/path", false)]
    public void Detects_wildcards(string name, bool expected) => Assert.Equal(expected, GoPathMatch.ContainsWildcards(name));
}
