using Img.Engine.Content;
using Img.Engine.Context;
using Xunit;

namespace Img.Engine.Tests.Context.Checksums;

public sealed class SelectionChecksumTests : IDisposable
{
    private static readonly ChecksumOptions Wildcard = new() { Wildcard = true };
    private readonly ContextFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Wildcard_selects_matching_files_only()
    {
        _f.Write("a.txt", "a");
        _f.Write("b.txt", "b");
        _f.Write("c.md", "c");
        var before = await _f.ChecksumAsync("*.txt", Wildcard);

        _f.Write("c.md", "changed");
        Assert.Equal(before, await _f.ChecksumAsync("*.txt", Wildcard));

        _f.Write("b.txt", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("*.txt", Wildcard));
    }

    [Fact]
    public async Task Wildcard_matching_a_new_file_changes_the_checksum()
    {
        _f.Write("a.txt", "a");
        var before = await _f.ChecksumAsync("*.txt", Wildcard);
        _f.Write("z.txt", "z");
        Assert.NotEqual(before, await _f.ChecksumAsync("*.txt", Wildcard));
    }

    [Fact]
    public async Task Wildcard_with_one_match_of_the_same_name_is_that_path()
    {
        _f.Write("dir/f.txt", "f");
        using var context = _f.Open();
        Assert.Equal(await context.ChecksumAsync("dir/f.txt"), await context.ChecksumAsync("d*/f.txt", Wildcard));
        Assert.NotEqual(await context.ChecksumAsync("dir/f.txt"), await context.ChecksumAsync("dir/f.*", Wildcard));
    }

    [Fact]
    public async Task Wildcard_in_a_middle_component_and_double_star()
    {
        _f.Write("src/a/f.txt", "1");
        _f.Write("src/b/f.txt", "2");
        _f.Write("src/b/g.txt", "3");
        _f.Write("src/c", "not a dir");
        using var context = _f.Open();
        var middle = await context.ChecksumAsync("src/*/f.txt", Wildcard);
        // ** is Go's path.Match *, not a recursive glob.
        Assert.Equal(middle, await context.ChecksumAsync("src/**/f.txt", Wildcard));
        Assert.Equal(await context.ChecksumAsync("src/[ab]/f.txt", Wildcard), middle);
        Assert.NotEqual(await context.ChecksumAsync("src/a/f.txt"), middle);
        Assert.Equal(await context.ChecksumAsync("src/?/f.txt", Wildcard), middle);
    }

    [Fact]
    public async Task Wildcard_over_directories_covers_their_contents()
    {
        _f.Write("pkg1/x", "x");
        _f.Write("pkg2/y", "y");
        var before = await _f.ChecksumAsync("pkg*", Wildcard);
        _f.Write("pkg2/y", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("pkg*", Wildcard));
    }

    [Fact]
    public async Task Wildcard_matching_nothing_is_an_error_unless_allowed()
    {
        _f.Write("a.txt", "a");
        using var context = _f.Open();
        var e = await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("*.go", Wildcard).AsTask());
        Assert.Equal("failed to compute cache key: \"/*.go\": not found", e.Message);
        var empty = await context.ChecksumAsync("*.go", Wildcard with { AllowEmptyWildcard = true });
        Assert.Equal(Digest.Compute([]), empty);
        Assert.Equal(empty, await context.ChecksumAsync("nodir/*.go", Wildcard with { AllowEmptyWildcard = true }));
    }

    [Fact]
    public async Task Wildcard_option_without_wildcards_is_an_exact_path()
    {
        _f.Write("a.txt", "a");
        using var context = _f.Open();
        Assert.Equal(await context.ChecksumAsync("a.txt"), await context.ChecksumAsync("a.txt", Wildcard));
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("nope", Wildcard with { AllowEmptyWildcard = true }).AsTask());
    }

    [Fact]
    public async Task Escaped_wildcard_characters_are_literal()
    {
        _f.Write("a*b", "literal");
        _f.Write("axb", "other");
        var before = await _f.ChecksumAsync("a\\*[b]", Wildcard);
        _f.Write("axb", "changed");
        Assert.Equal(before, await _f.ChecksumAsync("a\\*[b]", Wildcard));
        _f.Write("a*b", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("a\\*[b]", Wildcard));

        // A path without wildcards is taken literally, escapes included, as BuildKit does.
        using var context = _f.Open();
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("a\\*b", Wildcard).AsTask());
    }

    [Fact]
    public async Task Bad_pattern_is_an_error()
    {
        _f.Write("a", "a");
        using var context = _f.Open();
        await Assert.ThrowsAsync<BuildContextException>(() => context.ChecksumAsync("[a", Wildcard).AsTask());
    }

    [Fact]
    public async Task Exclude_patterns_drop_paths_below_the_source()
    {
        _f.Write("app/main.c", "main");
        _f.Write("app/debug.log", "1");
        _f.Write("app/logs/x.log", "1");
        var options = new ChecksumOptions { ExcludePatterns = ["*.log", "logs"] };
        var before = await _f.ChecksumAsync("app", options);

        _f.Write("app/debug.log", "2");
        _f.Write("app/logs/x.log", "2");
        _f.Write("app/logs/y.txt", "2");
        Assert.Equal(before, await _f.ChecksumAsync("app", options));

        _f.Write("app/main.c", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("app", options));
    }

    [Fact]
    public async Task Exclude_exception_keeps_a_file()
    {
        _f.Write("app/a.log", "1");
        _f.Write("app/keep.log", "1");
        var options = new ChecksumOptions { ExcludePatterns = ["*.log", "!keep.log"] };
        var before = await _f.ChecksumAsync("app", options);
        _f.Write("app/a.log", "2");
        Assert.Equal(before, await _f.ChecksumAsync("app", options));
        _f.Write("app/keep.log", "2");
        Assert.NotEqual(before, await _f.ChecksumAsync("app", options));
    }

    [Fact]
    public async Task Include_patterns_keep_only_matches()
    {
        _f.Write("src/a.go", "a");
        _f.Write("src/sub/b.go", "b");
        _f.Write("src/readme.md", "r");
        var options = new ChecksumOptions { IncludePatterns = ["**/*.go"] };
        var before = await _f.ChecksumAsync("src", options);

        _f.Write("src/readme.md", "changed");
        Assert.Equal(before, await _f.ChecksumAsync("src", options));

        _f.Write("src/sub/b.go", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("src", options));
    }

    [Fact]
    public async Task Patterns_apply_below_each_wildcard_match()
    {
        _f.Write("p1/keep.c", "1");
        _f.Write("p1/drop.o", "1");
        _f.Write("p2/keep.c", "2");
        var options = new ChecksumOptions { Wildcard = true, ExcludePatterns = ["*.o"] };
        var before = await _f.ChecksumAsync("p*", options);
        _f.Write("p1/drop.o", "2");
        _f.Write("p2/new.o", "2");
        Assert.Equal(before, await _f.ChecksumAsync("p*", options));
        _f.Write("p2/keep.c", "changed");
        Assert.NotEqual(before, await _f.ChecksumAsync("p*", options));
    }
}
