using Img.Engine.Archive;
using Img.Engine.Context;
using Img.Engine.Native;
using Xunit;

namespace Img.Engine.Tests.Context;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BuildContextTests : IDisposable
{
    private readonly ContextFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Lists_included_paths_in_order_without_following_symlinks()
    {
        _f.Write("Dockerfile", "FROM scratch");
        _f.Write("b/x.txt", "x");
        _f.Write("a.txt", "a");
        _f.Write("app.log", "log");
        _f.Write(".dockerignore", "*.log\n");
        Directory.CreateSymbolicLink(_f.PathOf("linkdir"), "b");
        using var context = _f.Open();

        var entries = await context.ListAsync();

        Assert.Equal([".dockerignore", "Dockerfile", "a.txt", "b", "b/x.txt", "linkdir"], entries.Select(e => e.Path));
        var link = entries.Single(e => e.Path == "linkdir");
        Assert.Equal(ArchiveEntryType.SymbolicLink, link.Type);
        Assert.Equal("b", link.LinkTarget);
        Assert.Equal(1, entries.Single(e => e.Path == "a.txt").Size);
    }

    [Fact]
    public async Task Excluded_directory_is_entered_only_for_exceptions()
    {
        _f.Write(".dockerignore", "bin\n!bin/keep.txt\n");
        _f.Write("bin/keep.txt", "k");
        _f.Write("bin/drop.txt", "d");
        _f.Write("bin/sub/deep.txt", "d");
        using var context = _f.Open();

        var paths = (await context.ListAsync()).Select(e => e.Path).ToList();

        Assert.Equal([".dockerignore", "bin", "bin/keep.txt"], paths);
    }

    [Fact]
    public async Task Ignored_files_do_not_affect_the_checksum()
    {
        _f.Write(".dockerignore", "*.log\nbuild/\n");
        _f.Write("src/main.c", "int main;");
        _f.Write("app.log", "one");
        var before = await _f.ChecksumAsync();

        _f.Write("app.log", "two, longer");
        _f.Write("other.log", "new");
        _f.Write("build/out.o", "obj");

        Assert.Equal(before, await _f.ChecksumAsync());
        _f.Write("src/main.c", "int main();");
        Assert.NotEqual(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Exceptions_bring_files_back_into_the_checksum()
    {
        _f.Write(".dockerignore", "bin\n!bin/keep.txt\n");
        _f.Write("bin/keep.txt", "k1");
        _f.Write("bin/drop.txt", "d1");
        var before = await _f.ChecksumAsync();

        _f.Write("bin/drop.txt", "d2");
        Assert.Equal(before, await _f.ChecksumAsync());

        _f.Write("bin/keep.txt", "k2");
        Assert.NotEqual(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Same_content_at_other_times_and_places_has_the_same_checksum()
    {
        _f.Write("a/one.txt", "1");
        _f.Write("a/two/three.txt", "3");
        var before = await _f.ChecksumAsync();
        foreach (var path in Directory.EnumerateFileSystemEntries(_f.Root, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        }
        Assert.Equal(before, await _f.ChecksumAsync());

        // Another root with the same tree.
        using var other = new ContextFixture();
        other.Write("a/one.txt", "1");
        other.Write("a/two/three.txt", "3");
        Assert.Equal(before, await other.ChecksumAsync());
    }

    [Fact]
    public async Task Content_change_of_the_same_size_and_mtime_changes_the_checksum()
    {
        string file = _f.Write("f.txt", "aaaa");
        var mtime = File.GetLastWriteTimeUtc(file);
        var before = await _f.ChecksumAsync();

        File.WriteAllText(file, "bbbb");
        File.SetLastWriteTimeUtc(file, mtime); // only ctime tells
        Assert.NotEqual(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Mode_change_changes_the_checksum()
    {
        string file = _f.Write("run.sh", "#!/bin/sh");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        var before = await _f.ChecksumAsync();

        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("755", 8));
        Assert.NotEqual(before, await _f.ChecksumAsync());

        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        Assert.Equal(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Directory_mode_counts_but_the_root_mode_does_not()
    {
        _f.Write("d/f", "f");
        var before = await _f.ChecksumAsync();

        File.SetUnixFileMode(_f.PathOf("d"), (UnixFileMode)Convert.ToInt32("700", 8));
        var changed = await _f.ChecksumAsync();
        Assert.NotEqual(before, changed);

        File.SetUnixFileMode(_f.Root, (UnixFileMode)Convert.ToInt32("750", 8));
        Assert.Equal(changed, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Owner_change_changes_the_checksum_when_root()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
        {
            return; // lchown needs privileges
        }
        string file = _f.Write("owned", "x");
        var before = await _f.ChecksumAsync();
        Posix.Lchown(file, 1234, 1234);
        Assert.NotEqual(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task User_xattrs_count_and_selinux_style_ones_do_not()
    {
        string file = _f.Write("x", "x");
        var before = await _f.ChecksumAsync();
        try
        {
            Posix.SetXattr(file, "user.note", "hello"u8);
        }
        catch (IOException)
        {
            return; // the file system has no user xattrs
        }
        Assert.NotEqual(before, await _f.ChecksumAsync());
    }

    [Fact]
    public async Task Adding_removing_or_renaming_a_file_changes_the_directory_checksum()
    {
        _f.Write("d/a", "a");
        var before = await _f.ChecksumAsync("d");

        _f.Write("d/b", "");
        var added = await _f.ChecksumAsync("d");
        Assert.NotEqual(before, added);

        File.Move(_f.PathOf("d/b"), _f.PathOf("d/c"));
        Assert.NotEqual(added, await _f.ChecksumAsync("d"));

        File.Delete(_f.PathOf("d/c"));
        Assert.Equal(before, await _f.ChecksumAsync("d"));
    }

    [Fact]
    public async Task Source_spellings_of_one_path_agree()
    {
        _f.Write("dir/f", "f");
        using var context = _f.Open();
        var expected = await context.ChecksumAsync("dir");
        foreach (var spelling in new[] { "/dir", "./dir", "dir/", "dir/.", "x/../dir", "//dir//" })
        {
            Assert.Equal(expected, await context.ChecksumAsync(spelling));
        }
        Assert.Equal(await context.ChecksumAsync("."), await context.ChecksumAsync("/"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/../etc/passwd")]
    [InlineData("..")]
    public async Task Paths_outside_the_context_are_forbidden(string source)
    {
        using var context = _f.Open();
        var e = await Assert.ThrowsAsync<ForbiddenContextPathException>(() => context.ChecksumAsync(source).AsTask());
        Assert.Equal($"forbidden path outside the build context: {source}", e.Message);
        Assert.Throws<ForbiddenContextPathException>(() => context.GetHostPath(source));
    }

    [Fact]
    public async Task Missing_path_is_an_error_naming_it()
    {
        _f.Write("present", "p");
        using var context = _f.Open();
        var e = await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("nope").AsTask());
        Assert.Equal("failed to compute cache key: \"/nope\": not found", e.Message);
        e = await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync(["present", "sub/missing"], ChecksumOptions.Default).AsTask());
        Assert.Equal("failed to compute cache key: \"/sub/missing\": not found", e.Message);
    }

    [Fact]
    public async Task Ignored_path_is_not_found()
    {
        _f.Write(".dockerignore", "secret\n");
        _f.Write("secret", "s");
        using var context = _f.Open();
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("secret").AsTask());
    }

    [Fact]
    public async Task Symlink_inside_the_context_is_hashed_as_a_link_and_followed_on_request()
    {
        _f.Write("target.txt", "t1");
        File.CreateSymbolicLink(_f.PathOf("link"), "target.txt");
        using (var context = _f.Open())
        {
            var followed = await context.ChecksumAsync("link", new ChecksumOptions { FollowLinks = true });
            Assert.Equal(await context.ChecksumAsync("target.txt"), followed);
            Assert.NotEqual(followed, await context.ChecksumAsync("link"));
        }
        var linkOnly = await _f.ChecksumAsync("link");

        _f.Write("target.txt", "t2");
        Assert.Equal(linkOnly, await _f.ChecksumAsync("link")); // the link itself did not change

        File.Delete(_f.PathOf("link"));
        File.CreateSymbolicLink(_f.PathOf("link"), "./target.txt");
        Assert.NotEqual(linkOnly, await _f.ChecksumAsync("link"));
    }

    [Fact]
    public async Task Symlinked_directories_on_the_way_are_followed_inside_the_context()
    {
        _f.Write("real/f.txt", "f");
        Directory.CreateSymbolicLink(_f.PathOf("alias"), "real");
        using var context = _f.Open();
        Assert.Equal(await context.ChecksumAsync("real/f.txt"), await context.ChecksumAsync("alias/f.txt"));
    }

    [Fact]
    public async Task Symlink_escaping_the_context_is_contained()
    {
        File.WriteAllText(Path.Combine(_f.Outside, "secret"), "outside");
        File.CreateSymbolicLink(_f.PathOf("up"), "../secret");
        File.CreateSymbolicLink(_f.PathOf("abs"), Path.Combine(_f.Outside, "secret"));
        using var context = _f.Open();
        var follow = new ChecksumOptions { FollowLinks = true };

        // As links they hash; followed, they resolve inside the context, where nothing is.
        await context.ChecksumAsync("up");
        await context.ChecksumAsync(".");
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("up", follow).AsTask());
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("abs", follow).AsTask());

        // A file of that name inside the context is what they mean.
        _f.Write("secret", "inside");
        using var again = _f.Open();
        Assert.Equal(await again.ChecksumAsync("secret"), await again.ChecksumAsync("up", follow));
        Assert.Equal(1, again.ContentReads); // only the inside file was read
    }

    [Fact]
    public async Task Symlink_loop_is_an_error_not_a_hang()
    {
        File.CreateSymbolicLink(_f.PathOf("a"), "b");
        File.CreateSymbolicLink(_f.PathOf("b"), "a");
        using var context = _f.Open();
        await context.ChecksumAsync(".");
        await Assert.ThrowsAsync<IOException>(() => context.ChecksumAsync("a", new ChecksumOptions { FollowLinks = true }).AsTask());
    }

    [Fact]
    public async Task Several_sources_combine_in_order()
    {
        _f.Write("a", "a");
        _f.Write("b", "b");
        using var context = _f.Open();
        var ab = await context.ChecksumAsync(["a", "b"], ChecksumOptions.Default);
        var ba = await context.ChecksumAsync(["b", "a"], ChecksumOptions.Default);
        Assert.NotEqual(ab, ba);
        Assert.NotEqual(ab, await context.ChecksumAsync("a"));
        Assert.Equal(ab, await context.ChecksumAsync(["/a", "./b"], ChecksumOptions.Default));
    }

    [Fact]
    public void Dockerfile_path_defaults_into_the_context()
    {
        using var context = _f.Open();
        Assert.Equal(Path.Combine(_f.Root, "Dockerfile"), context.DockerfilePath);
        Assert.Equal(_f.Root + "/sub/x", context.GetHostPath("/sub/./x"));
        Assert.Equal(_f.Root, context.GetHostPath("."));
    }

    [Fact]
    public async Task Dockerfile_and_dockerignore_are_not_sent_when_excluded()
    {
        // As BuildKit: the patterns apply to them too (the differential harness's
        // dockerignore-self case: `COPY . .` leaves them out).
        _f.Write("Dockerfile", "FROM scratch");
        _f.Write(".dockerignore", "*\n!src\n");
        _f.Write("src/a", "a");
        using var context = _f.Open();
        Assert.Equal(["src", "src/a"], (await context.ListAsync()).Select(e => e.Path));
        await Assert.ThrowsAsync<ContextPathNotFoundException>(() => context.ChecksumAsync("Dockerfile").AsTask());
        await context.ChecksumAsync("src");
    }

    [Fact]
    public async Task Opening_through_the_state_directory_places_the_cache_under_it()
    {
        _f.Write("Dockerfile", "FROM scratch");
        var state = new Img.Engine.State.StateDirectory(Path.Combine(_f.Outside, "state"));
        using var context = BuildContext.Open(_f.Root, Path.Combine(_f.Root, "Dockerfile"), state);
        await context.ChecksumAsync(".");
        Assert.Single(Directory.GetFiles(Path.Combine(state.CacheRoot, BuildContext.StatCacheDirectoryName), "*.stat"));
    }
}
