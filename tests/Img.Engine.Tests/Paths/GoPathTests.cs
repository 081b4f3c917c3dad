using Img.Engine.Paths;
using Xunit;

namespace Img.Engine.Tests.Paths;

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

    [Theory]
    [InlineData(new string[0], "")]
    [InlineData(new[] { "", "" }, "")]
    [InlineData(new[] { "/", "a", "b/" }, "/a/b")]
    [InlineData(new[] { "a", "", "../b" }, "b")]
    [InlineData(new[] { ".", "x" }, "x")]
    public void Join(string[] elements, string expected) => Assert.Equal(expected, GoPath.Join(elements));

    [Theory]
    [InlineData("", ".")]
    [InlineData("/", "/")]
    [InlineData("///", "/")]
    [InlineData("a/b/", "b")]
    [InlineData("/a", "a")]
    public void Base(string path, string expected) => Assert.Equal(expected, GoPath.Base(path));
}
