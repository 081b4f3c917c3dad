using Img.Engine.Context.Ignore;
using Xunit;

namespace Img.Engine.Tests.Context.Ignore;

/// <summary>
/// patternmatcher semantics. Each single-pattern case is checked through all three matching
/// methods, which must agree (the older Matches only where the ancestor rule cannot differ).
/// </summary>
public sealed class PatternMatcherTests
{
    [Theory]
    // plain names, directories and their contents
    [InlineData("secret.txt", "secret.txt", true)]
    [InlineData("secret.txt", "secret.txt.bak", false)]
    [InlineData("secret.txt", "dir/secret.txt", false)]
    [InlineData("build", "build", true)]
    [InlineData("build", "build/out/app.dll", true)]
    [InlineData("build/", "build/out", true)]
    [InlineData("/build", "build/out", false)] // only DockerignoreFile strips the leading slash
    [InlineData("a/b", "a/b/c/d", true)]
    [InlineData("a/b", "x/a/b", false)]
    // * and ?
    [InlineData("*", "anything", true)]
    [InlineData("*", "dir/file", true)] // the parent "dir" matches
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("*/*.md", "docs/README.md", true)]
    [InlineData("*/*.md", "docs/sub/README.md", false)]
    [InlineData("doc?", "docs", true)]
    [InlineData("doc?", "doc", false)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("a*b", "a/b", false)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzx", true)]
    [InlineData("a*b?c*x", "abxbbxdbxebxczzy", false)]
    [InlineData(".*", ".env", true)]
    [InlineData(".*", "env", false)]
    [InlineData("?", "é", true)]
    [InlineData("?", "😀", true)]
    [InlineData("??", "😀", false)]
    // **
    [InlineData("**", "x", true)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("**/", "a/b", true)]
    [InlineData("**/*.log", "x.log", true)]
    [InlineData("**/*.log", "a/b/x.log", true)]
    [InlineData("**/*.log", "a/b/x.txt", false)]
    [InlineData("**/node_modules", "node_modules", true)]
    [InlineData("**/node_modules", "web/app/node_modules/lib/x.js", true)]
    [InlineData("**/.git", "sub.git", false)]
    [InlineData("**tmp", "a/btmp", true)] // suffix match without a slash
    [InlineData("out/**", "out", false)]
    [InlineData("out/**", "out/a", true)]
    [InlineData("out/**", "out/a/b", true)]
    [InlineData("out**", "output/x", true)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("a/**/z", "a/b/c/y", false)]
    [InlineData("**/b/*", "a/b/c", true)]
    [InlineData("**/b/**", "a/b/c/d", true)]
    [InlineData("**/**/*.cs", "Program.cs", true)]
    [InlineData("**/**/*.cs", "Program.csx", false)]
    [InlineData("x**/*.txt", "x/a/b/f.txt", true)]
    [InlineData("x/*.txt**", "x/f.txt", true)]
    // character classes
    [InlineData("file[0-9]", "file7", true)]
    [InlineData("file[0-9]", "filex", false)]
    [InlineData("file[^0-9]", "filex", true)]
    [InlineData("file[^0-9]", "file7", false)]
    [InlineData("[abc]", "b", true)]
    [InlineData("[a-ζ]", "α", true)]
    [InlineData("[^a]", "😀", true)]
    [InlineData("[\\]x]", "]", true)]
    [InlineData("[\\-x]", "-", true)]
    [InlineData("[x\\-]", "-", true)]
    [InlineData("[x\\-]", "y", false)]
    [InlineData("[[:digit:]]x", "5x", true)]
    [InlineData("[[:digit:]]x", "ax", false)]
    [InlineData("[[:^alpha:]]", "1", true)]
    [InlineData("[*]", "]", true)] // '*' becomes "[^/]*" inside the brackets, as upstream
    // escapes and regex characters
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("a\\\\", "a\\", true)]
    [InlineData("a\\?", "a?", true)]
    [InlineData("\\d", "7", true)] // escapes are passed to Go's regexp
    [InlineData("\\d", "d", false)]
    [InlineData("x\\.y*", "x.yz", true)]
    [InlineData("x\\.y*", "xzyz", false)]
    [InlineData("lib(1).so", "lib(1).so", true)]
    [InlineData("a.|)$(}+{bc", "a.|)$(}+{bc", true)]
    [InlineData("pkg-1.0+build.whl", "pkg-1.0+build.whl", true)]
    [InlineData("*.whl", "pkg-1.0+build.whl", true)]
    [InlineData("v$x*", "v$xy", true)]
    [InlineData("a^b*", "a^bc", false)] // '^' reaches the regexp unescaped: an anchor
    [InlineData("name*", "name\n", true)]
    [InlineData("*", "trailing\n", true)]
    [InlineData("a*$", "ab$", true)]
    public void SinglePattern(string pattern, string path, bool excluded)
    {
        var matcher = new PatternMatcher([pattern]);
        Assert.Equal(excluded, matcher.MatchesOrParentMatches(path));
        Assert.Equal(excluded, matcher.MatchesUsingParentResults(path, default, out _));
        Assert.Equal(excluded, WalkWithParentResults(matcher, path));
    }

    [Theory]
    [InlineData(new[] { "*.go", "!main.go" }, "main.go", false)]
    [InlineData(new[] { "!main.go", "*.go" }, "main.go", true)]
    [InlineData(new[] { "docs", "!docs/README.md" }, "docs/README.md", false)]
    [InlineData(new[] { "docs", "!docs/README.md" }, "docs/other.md", true)]
    [InlineData(new[] { "docs/", "!docs/README.md" }, "docs/README.md", false)]
    [InlineData(new[] { "docs/*", "!docs/README.md" }, "docs/README.md", false)]
    [InlineData(new[] { "**", "!keep" }, "keep/deep/file", false)]
    [InlineData(new[] { "**", "!keep", "keep/deep" }, "keep/deep/file", true)]
    [InlineData(new[] { "**", "!dist/*.whl" }, "dist/pkg-1.0+build.whl", false)]
    [InlineData(new[] { "*", "!src", "src/**/*.tmp" }, "src/a/b.tmp", true)]
    [InlineData(new[] { "*", "!src", "src/**/*.tmp" }, "src/a/b.cs", false)]
    [InlineData(new[] { "*.md", "!README.md", "README.md" }, "README.md", true)]
    [InlineData(new string[0], "any/path", false)]
    public void LastMatchingPatternDecides(string[] patterns, string path, bool excluded)
    {
        var matcher = new PatternMatcher(patterns);
        Assert.Equal(excluded, matcher.MatchesOrParentMatches(path));
        Assert.Equal(excluded, matcher.MatchesUsingParentResults(path, default, out _));
        Assert.Equal(excluded, WalkWithParentResults(matcher, path));
    }

    [Fact]
    public void OlderMatchesOnlyTriesTheAncestorAsDeepAsThePattern()
    {
        // "*/b" has two elements, so Matches only tries "a/b" for "a/b/c/d" ...
        var matcher = new PatternMatcher(["*/b"]);
        Assert.True(matcher.Matches("a/b/c/d"));
        // ... and a one-element pattern only the first directory.
        var glob = new PatternMatcher(["**/c"]);
        Assert.True(glob.Matches("x/c/d"));
        Assert.False(glob.Matches("x/y/c/d"));
        Assert.True(glob.MatchesOrParentMatches("x/y/c/d"));
    }

    [Fact]
    public void HasExclusions()
    {
        Assert.False(new PatternMatcher(["a", "b"]).HasExclusions);
        Assert.True(new PatternMatcher(["a", "!a/b"]).HasExclusions);
        Assert.True(new PatternMatcher(["a", "  !a/b  "]).HasExclusions);
    }

    [Fact]
    public void PatternsAreTrimmedCleanedAndBlankOnesSkipped()
    {
        var matcher = new PatternMatcher([" docs/ ", "", "  ", "!docs/./README.md", "a/../b"]);
        Assert.Equal(["docs", "docs/README.md", "b"], matcher.Patterns.Select(p => p.Pattern));
        Assert.Equal([false, true, false], matcher.Patterns.Select(p => p.IsExclusion));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("a[")]
    [InlineData("[^")]
    [InlineData("[^bc")]
    [InlineData("[]a]")]
    [InlineData("[-]")]
    [InlineData("[x-]")]
    [InlineData("[-x]")]
    [InlineData("[a-b-c]")]
    [InlineData("\\")]
    [InlineData("ok/[")]
    [InlineData("*[")]
    [InlineData("a*\\")]
    public void MalformedGlobsAreRejectedUpFront(string pattern)
    {
        var ex = Assert.Throws<IgnorePatternException>(() => new PatternMatcher([pattern]));
        Assert.Equal("syntax error in pattern", ex.Message);
    }

    [Fact]
    public void LoneExclamationIsRejected()
    {
        var ex = Assert.Throws<IgnorePatternException>(() => new PatternMatcher(["a", "!"]));
        Assert.Equal("illegal exclusion pattern: \"!\"", ex.Message);
    }

    [Fact]
    public void InvalidExpressionFailsWhenFirstConsultedAndEveryTimeAfter()
    {
        // A valid glob whose range is backwards for Go's regexp ('l' > 'O').
        var matcher = new PatternMatcher(["[Local-Only]/"]);
        Assert.Throws<IgnorePatternException>(() => matcher.MatchesOrParentMatches("x"));
        Assert.Throws<IgnorePatternException>(() => matcher.MatchesOrParentMatches("x"));
        // Not consulted: an exclusion is only tried once something matched.
        Assert.False(new PatternMatcher(["!\\q"]).MatchesOrParentMatches("x"));
        Assert.Throws<IgnorePatternException>(() => new PatternMatcher(["\\q"]).MatchesOrParentMatches("x"));
    }

    [Fact]
    public void ParentResultsMustMatchThePatternCount()
    {
        var two = new PatternMatcher(["a", "b"]);
        two.MatchesUsingParentResults("a", default, out var info);
        var three = new PatternMatcher(["a", "b", "c"]);
        Assert.Throws<ArgumentException>(() => three.MatchesUsingParentResults("a/x", info, out _));
    }

    // Walks from the root to the path, passing each directory's results to its children, the
    // way a context walker uses MatchesUsingParentResults.
    private static bool WalkWithParentResults(PatternMatcher matcher, string path)
    {
        var parts = path.Split('/');
        MatchInfo info = default;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            matcher.MatchesUsingParentResults(string.Join('/', parts, 0, i + 1), info, out info);
        }
        return matcher.MatchesUsingParentResults(path, info, out _);
    }
}
