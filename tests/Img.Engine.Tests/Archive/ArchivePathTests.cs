using Img.Engine.Archive;
using Img.Engine.Execution;
using Xunit;

namespace Img.Engine.Tests.Archive;

public sealed class ArchivePathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("img-path-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("a", "a")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("/abs/x", "abs/x")]
    [InlineData("a/../b", "b")]
    [InlineData("a/b/../../c", "c")]
    [InlineData("./", "")]
    [InlineData("/", "")]
    [InlineData("a/./b/.", "a/b")]
    public void Clean(string input, string expected) => Assert.Equal(expected, ArchivePath.Clean(input));

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/../../evil")]
    [InlineData("/../etc/passwd")]
    [InlineData("./..")]
    public void Clean_refuses_climbing_out(string input) =>
        Assert.Throws<UnsafeArchiveEntryException>(() => ArchivePath.Clean(input));

    [Fact]
    public void SecureJoin_keeps_symlinks_inside_the_root()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../../../..");
        File.CreateSymbolicLink(Path.Combine(_root, "rel"), "real");
        File.CreateSymbolicLink(Path.Combine(_root, "chain"), "rel/../abs");
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "loop");

        Assert.Equal(_root + "/etc/passwd", ArchivePath.SecureJoin(_root, "abs/passwd"));
        Assert.Equal(_root + "/x", ArchivePath.SecureJoin(_root, "up/x"));
        Assert.Equal(_root, ArchivePath.SecureJoin(_root, "up"));
        Assert.Equal(_root + "/real/f", ArchivePath.SecureJoin(_root, "rel/f"));
        Assert.Equal(_root + "/etc/shadow", ArchivePath.SecureJoin(_root, "chain/shadow"));
        Assert.Equal(_root + "/missing/a/b", ArchivePath.SecureJoin(_root, "missing/a/b"));
        Assert.Equal(_root + "/abs", ArchivePath.SecureJoin(_root, "abs", followFinal: false));
        Assert.Equal(_root + "/etc", ArchivePath.SecureJoin(_root, "abs"));
        Assert.Throws<IOException>(() => ArchivePath.SecureJoin(_root, "loop/x"));

        // A container path (absolute, as a WORKDIR or mount target) resolves the same way.
        Assert.Equal(_root + "/etc/passwd", RootfsPath.Resolve(_root, "/abs/passwd"));
        Assert.Equal(_root + "/real/f", RootfsPath.Resolve(_root + "/", "//up/../rel/./f"));
        Assert.Equal(_root, RootfsPath.Resolve(_root, "/"));
        Assert.Throws<IOException>(() => RootfsPath.Resolve(_root, "/loop"));
    }

    [Fact]
    public void IsWithin()
    {
        Assert.True(ArchivePath.IsWithin("/a/b", "/a/b"));
        Assert.True(ArchivePath.IsWithin("/a/b", "/a/b/c"));
        Assert.False(ArchivePath.IsWithin("/a/b", "/a/bc"));
        Assert.False(ArchivePath.IsWithin("/a/b", "/a/b/../c"));
    }
}
