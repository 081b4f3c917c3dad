using Img.Engine.Context.Ignore;
using Xunit;

namespace Img.Engine.Tests.Context.Ignore;

public sealed class ContextFilterTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("img-ignore-").FullName;

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private string Write(string relative, string content = "")
    {
        string full = Path.Combine(_context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    [Fact]
    public void ExcludesWhatThePatternsSay()
    {
        var filter = new ContextFilter(["*.log", "bin", "!bin/keep.txt"]);
        Assert.False(filter.IsIncluded("app.log"));
        Assert.True(filter.IsIncluded("src/app.log"));
        Assert.False(filter.IsIncluded("bin/x.dll"));
        Assert.True(filter.IsIncluded("bin/keep.txt"));
        Assert.True(filter.IsIncluded("src/Program.cs"));
        Assert.True(filter.IsIncluded("."));
        Assert.True(filter.IsIncluded(""));
        Assert.False(filter.IsIncluded("./bin//x.dll"));
    }

    [Fact]
    public void DescendsIntoExcludedDirectoriesOnlyWhenAnExceptionExists()
    {
        var withException = new ContextFilter(["bin", "!bin/keep.txt"]);
        Assert.False(withException.IsIncluded("bin"));
        Assert.True(withException.ShouldDescend("bin"));

        var plain = new ContextFilter(["bin"]);
        Assert.False(plain.ShouldDescend("bin"));
        Assert.True(plain.ShouldDescend("src"));
    }

    [Fact]
    public void DockerfileAndDockerignoreAreNotSentWhenThePatternsExcludeThem()
    {
        // BuildKit applies the patterns as they are (docker's classic builder re-included both):
        // `COPY . .` then leaves them out of the image.
        var filter = new ContextFilter(["*", "**/*.Dockerfile", "!keep"]);
        Assert.False(filter.IsIncluded(".dockerignore"));
        Assert.False(filter.IsIncluded("Dockerfile"));
        Assert.False(filter.IsIncluded("build/app.Dockerfile"));
        Assert.True(filter.IsIncluded("keep"));
        Assert.Equal(["*", "**/*.Dockerfile", "!keep"], filter.Matcher.Patterns.Select(p => (p.IsExclusion ? "!" : "") + p.Pattern));
    }

    [Fact]
    public void LocatesTheDockerfileSpecificIgnoreFileFirst()
    {
        string general = Write(".dockerignore", "*.log\n");
        string dockerfile = Write("build/app.Dockerfile", "FROM scratch\n");
        Assert.Equal(general, ContextFilter.LocateIgnoreFile(_context, dockerfile));

        string specific = Write("build/app.Dockerfile.dockerignore", "*.tmp\n");
        Assert.Equal(specific, ContextFilter.LocateIgnoreFile(_context, dockerfile));

        var filter = ContextFilter.Load(_context, dockerfile);
        Assert.Equal(specific, filter.IgnoreFilePath);
        Assert.Equal(["*.tmp"], filter.Patterns);
        Assert.True(filter.IsIncluded("x.log"));
        Assert.False(filter.IsIncluded("x.tmp"));
    }

    [Fact]
    public void DefaultDockerfileAlsoHasASpecificIgnoreFile()
    {
        Write(".dockerignore", "*.log\n");
        string specific = Write("Dockerfile.dockerignore", "");
        var filter = ContextFilter.Load(_context, null);
        // An empty specific file wins over .dockerignore: nothing is excluded.
        Assert.Equal(specific, filter.IgnoreFilePath);
        Assert.Empty(filter.Patterns);
        Assert.True(filter.IsIncluded("x.log"));
    }

    [Fact]
    public void LoadWithoutIgnoreFile()
    {
        var filter = ContextFilter.Load(_context, null);
        Assert.Null(filter.IgnoreFilePath);
        Assert.True(filter.IsIncluded("anything"));
    }

    [Fact]
    public void LoadLeavesAnExcludedDockerfileOut()
    {
        Write(".dockerignore", "\uFEFF# all\n*\n");
        string dockerfile = Write("Dockerfile", "FROM scratch\n");
        var filter = ContextFilter.Load(_context, dockerfile);
        Assert.Equal(["*"], filter.Patterns);
        Assert.False(filter.IsIncluded("Dockerfile"));
        Assert.False(filter.IsIncluded(".dockerignore"));
        Assert.False(filter.IsIncluded("src"));
    }

    [Fact]
    public void MalformedPatternFailsLoading()
    {
        Write(".dockerignore", "[\n");
        Assert.Throws<IgnorePatternException>(() => ContextFilter.Load(_context, null));
    }
}
