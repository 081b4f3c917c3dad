using Img.Engine.Context.Ignore;
using Xunit;

namespace Img.Engine.Tests.Context.Ignore;

public sealed class GoPathTests
{
    [Theory]
    [InlineData("", ".")]
    [InlineData(".", ".")]
    [InlineData("..", "..")]
    [InlineData("../..", "../..")]
    [InlineData("a/../..", "..")]
    [InlineData("a/b/../../c", "c")]
    [InlineData("/", "/")]
    [InlineData("/..", "/")]
    [InlineData("/../a/", "/a")]
    [InlineData("abc//def//ghi", "abc/def/ghi")]
    [InlineData("./abc/.", "abc")]
    [InlineData("abc/./../def", "def")]
    [InlineData("a/..b", "a/..b")]
    [InlineData("...", "...")]
    public void Clean(string path, string expected) => Assert.Equal(expected, GoPath.Clean(path));

    [Theory]
    [InlineData("a", ".")]
    [InlineData("a/b", "a")]
    [InlineData("a/b/c", "a/b")]
    [InlineData("/a", "/")]
    [InlineData("a/", "a")]
    public void Dir(string path, string expected) => Assert.Equal(expected, GoPath.Dir(path));
}
