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
    public void DockerfileAndDockerignoreAreAlwaysSent()
    {
        var filter = new ContextFilter(["*", "**/*.Dockerfile"], "build/app.Dockerfile");
        Assert.True(filter.IsIncluded(".dockerignore"));
        Assert.True(filter.IsIncluded("build/app.Dockerfile"));
        Assert.False(filter.IsIncluded("build/other.Dockerfile"));
        Assert.False(filter.IsIncluded("README.md"));
        Assert.True(filter.ShouldDescend("build"));
        // The patterns themselves still exclude them.
        Assert.True(filter.IsExcludedByPatterns("build/app.Dockerfile"));
        Assert.True(filter.IsExcludedByPatterns(".dockerignore"));
        Assert.Equal(["*", "**/*.Dockerfile", "!.dockerignore", "!build/app.Dockerfile"], filter.Matcher.Patterns.Select(p => (p.IsExclusion ? "!" : "") + p.Pattern));
    }

    [Fact]
    public void NoExceptionsAreAddedWhenNothingExcludesTheBuildFiles()
    {
        var filter = new ContextFilter(["*.log"], "Dockerfile");
        Assert.False(filter.Matcher.HasExclusions);
        Assert.Single(filter.Matcher.Patterns);
    }

    [Fact]
    public void ExceptionsFollowTheCliRuleForDeepDockerfiles()
    {
        // The CLI decides with the older Matches, which only tries the ancestor as deep as the
        // pattern: "**/gen" (two elements) tries "a/b" for "a/b/gen/Dockerfile" and misses, so no
        // exception is added and the Dockerfile stays excluded.
        var filter = new ContextFilter(["**/gen"], "a/b/gen/Dockerfile");
        Assert.False(filter.IsIncluded("a/b/gen/Dockerfile"));
        var shallow = new ContextFilter(["gen"], "gen/Dockerfile");
        Assert.True(shallow.IsIncluded("gen/Dockerfile"));
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
    public void LoadKeepsTheDockerfileInsideTheContext()
    {
        Write(".dockerignore", "\uFEFF# all\n*\n");
        string dockerfile = Write("Dockerfile", "FROM scratch\n");
        var filter = ContextFilter.Load(_context, dockerfile);
        Assert.Equal(["*"], filter.Patterns);
        Assert.True(filter.IsIncluded("Dockerfile"));
        Assert.True(filter.IsIncluded(".dockerignore"));
        Assert.False(filter.IsIncluded("src"));
    }

    [Fact]
    public void DockerfileOutsideTheContextAddsNoException()
    {
        Write(".dockerignore", "*\n");
        string outside = Path.Combine(Path.GetTempPath(), $"img-df-{Guid.NewGuid():N}");
        File.WriteAllText(outside, "FROM scratch\n");
        try
        {
            var filter = ContextFilter.Load(_context, outside);
            Assert.Equal(["*", "!.dockerignore"], filter.Matcher.Patterns.Select(p => (p.IsExclusion ? "!" : "") + p.Pattern));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void MalformedPatternFailsLoading()
    {
        Write(".dockerignore", "[\n");
        Assert.Throws<IgnorePatternException>(() => ContextFilter.Load(_context, null));
    }
}
