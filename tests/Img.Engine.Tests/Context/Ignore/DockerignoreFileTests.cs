using Img.Engine.Context.Ignore;
using Xunit;

namespace Img.Engine.Tests.Context.Ignore;

public sealed class DockerignoreFileTests
{
    [Fact]
    public void ReadsPatternsInOrder()
    {
        const string content = "node_modules\n/build\n/src/gen/\n\n# a comment\n*.log\n! /logs/keep.log\n!\n!  \n";
        Assert.Equal(
            ["node_modules", "build", "src/gen", "*.log", "!logs/keep.log", "!", "!"],
            DockerignoreFile.Parse(new StringReader(content)));
    }

    [Theory]
    [InlineData("  # indented is a pattern", "# indented is a pattern")]
    [InlineData("\t spaced \t", "spaced")]
    [InlineData("a//b///c", "a/b/c")]
    [InlineData("./a/./b", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("../outside", "../outside")]
    [InlineData("/../x", "x")]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData(".", ".")]
    [InlineData("dir/", "dir")]
    [InlineData("**/", "**")]
    [InlineData("!dir/", "!dir")]
    [InlineData("!/dir", "!dir")]
    [InlineData("! dir", "!dir")]
    [InlineData("a\\b", "a\\b")]
    public void CleansEachPattern(string line, string expected)
    {
        Assert.Equal([expected], DockerignoreFile.Parse(line));
    }

    [Fact]
    public void CommentsAndBlankLinesAreSkipped()
    {
        Assert.Empty(DockerignoreFile.Parse("# only\n\n   \n\t\n#x"));
        Assert.Empty(DockerignoreFile.Parse(""));
    }

    [Fact]
    public void ByteOrderMarkIsDroppedOnlyAtTheStart()
    {
        Assert.Equal(["a", "\uFEFFb"], DockerignoreFile.Parse("\uFEFFa\n\uFEFFb"));
        // With the mark removed, a first-line comment is still a comment.
        Assert.Equal(["b"], DockerignoreFile.Parse("\uFEFF#c\nb"));
    }

    [Fact]
    public void LineEndings()
    {
        Assert.Equal(["a", "b", "c"], DockerignoreFile.Parse("a\r\nb\r\nc"));
        Assert.Equal(["a", "b"], DockerignoreFile.Parse("a\nb\n"));
    }
}
