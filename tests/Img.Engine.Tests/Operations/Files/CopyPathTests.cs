using Img.Engine.Context.Ignore;
using Img.Engine.Native;
using Img.Engine.Operations.Files;
using Xunit;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyPathTests : IDisposable
{
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task File_to_a_new_path_is_written_at_that_path()
    {
        Write(_f.Context, "a.txt", "hello");

        await _f.CopyAsync("/a.txt", "/b.txt");

        Assert.Equal("hello", File.ReadAllText(_f.InRoot("b.txt")));
    }

    [Fact]
    public async Task File_to_an_existing_directory_goes_into_it()
    {
        Write(_f.Context, "a.txt");
        Directory.CreateDirectory(_f.InRoot("app"));

        await _f.CopyAsync("/a.txt", "/app");

        Assert.True(File.Exists(_f.InRoot("app/a.txt")));
    }

    [Fact]
    public async Task Trailing_slash_creates_the_directory_and_copies_into_it()
    {
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/new/dir/");

        Assert.True(File.Exists(_f.InRoot("new/dir/a.txt")));
        Assert.Equal(0x1EDu, Stat(_f.InRoot("new")).Permissions);
        Assert.Equal(0x1EDu, Stat(_f.InRoot("new/dir")).Permissions);
    }

    [Fact]
    public async Task Without_trailing_slash_missing_parents_are_created_and_the_file_takes_the_name()
    {
        Write(_f.Context, "a.txt", "a");

        await _f.CopyAsync("/a.txt", "/x/y/z");

        Assert.Equal("a", File.ReadAllText(_f.InRoot("x/y/z")));
    }

    [Fact]
    public async Task Existing_file_is_replaced()
    {
        Write(_f.Context, "a.txt", "new");
        Write(_f.Root, "b.txt", "old");

        await _f.CopyAsync("/a.txt", "/b.txt");

        Assert.Equal("new", File.ReadAllText(_f.InRoot("b.txt")));
    }

    [Fact]
    public async Task Directory_source_copies_its_contents_and_puts_its_times_on_a_new_destination()
    {
        var when = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Write(_f.Context, "src/one.txt", "1");
        Write(_f.Context, "src/sub/two.txt", "2");
        Directory.CreateDirectory(Path.Join(_f.Context, "src"));
        File.SetUnixFileMode(Path.Join(_f.Context, "src"), (UnixFileMode)0x1C0 /* 0700 */);
        Directory.SetLastWriteTimeUtc(Path.Join(_f.Context, "src"), when.UtcDateTime);

        await _f.CopyAsync("/src", "/app");

        Assert.Equal("1", File.ReadAllText(_f.InRoot("app/one.txt")));
        Assert.Equal("2", File.ReadAllText(_f.InRoot("app/sub/two.txt")));
        Assert.False(Directory.Exists(_f.InRoot("app/src")));
        var app = Stat(_f.InRoot("app"));
        Assert.Equal(0x1EDu, app.Permissions); // created 0755, not the source's 0700
        Assert.Equal(when.ToUnixTimeSeconds(), app.MtimeSeconds);
    }

    [Fact]
    public async Task Directory_contents_merge_into_an_existing_directory()
    {
        Write(_f.Context, "src/new.txt", "n");
        Write(_f.Context, "src/sub/b.txt", "b");
        Write(_f.Root, "app/keep.txt", "k");
        Write(_f.Root, "app/sub/a.txt", "a");
        LibC_Chmod(_f.InRoot("app"), 0x1FF);

        await _f.CopyAsync("/src", "/app");

        Assert.Equal(["keep.txt", "new.txt", "sub"], Names(_f.InRoot("app")));
        Assert.Equal(["a.txt", "b.txt"], Names(_f.InRoot("app/sub")));
        Assert.Equal(0x1FFu, Stat(_f.InRoot("app")).Permissions); // the top directory keeps its mode
    }

    [Fact]
    public async Task Nested_existing_directory_takes_the_source_mode()
    {
        Write(_f.Context, "src/sub/b.txt", "b");
        LibC_Chmod(Path.Join(_f.Context, "src/sub"), 0x1E8 /* 0750 */);
        Write(_f.Root, "app/sub/a.txt", "a");

        await _f.CopyAsync("/src", "/app");

        Assert.Equal(0x1E8u, Stat(_f.InRoot("app/sub")).Permissions);
    }

    [Fact]
    public async Task Whole_context_copies_to_the_working_directory()
    {
        Write(_f.Context, "a.txt");
        Write(_f.Context, "d/b.txt");

        await _f.CopyAsync("/", "/work/");

        Assert.Equal(["a.txt", "d"], Names(_f.InRoot("work")));
    }

    [Fact]
    public async Task Wildcard_copies_every_match_into_the_directory()
    {
        Write(_f.Context, "a.txt");
        Write(_f.Context, "b.txt");
        Write(_f.Context, "c.md");
        Write(_f.Context, "sub/d.txt");

        await _f.CopyAsync("/*.txt", "/out/");

        Assert.Equal(["a.txt", "b.txt"], Names(_f.InRoot("out")));
    }

    [Fact]
    public async Task Wildcard_classes_and_directory_patterns_match_like_go_path_match()
    {
        Write(_f.Context, "a1");
        Write(_f.Context, "b1");
        Write(_f.Context, "d1");
        Write(_f.Context, "dir/x/inner.txt");
        Write(_f.Context, "dir/y.txt");

        await _f.CopyAsync("/[a-c]1", "/cls/");
        await _f.CopyAsync("/dir/*", "/star/");

        Assert.Equal(["a1", "b1"], Names(_f.InRoot("cls")));
        // a matched directory's contents land in the destination, not the directory (docker's COPY dir/* quirk)
        Assert.Equal(["inner.txt", "y.txt"], Names(_f.InRoot("star")));
    }

    [Fact]
    public async Task Wildcard_without_match_is_tolerated_when_empty_wildcards_are_allowed()
    {
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/*.nope", "/out/");

        Assert.False(File.Exists(_f.InRoot("out/a.txt")));
    }

    [Fact]
    public async Task Wildcard_without_match_is_an_error_otherwise()
    {
        Write(_f.Context, "a.txt");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/*.nope", "/out/", a => a with { AllowEmptyWildcard = false }));

        Assert.Equal("/*.nope not found", e.Message);
    }

    [Fact]
    public async Task Missing_source_is_an_lstat_error()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/nope", "/out/"));

        Assert.Equal("lstat /nope: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Dockerignored_file_is_invisible()
    {
        Write(_f.Context, "keep.txt");
        Write(_f.Context, "secret.env");
        Write(_f.Context, "logs/a.log");
        Write(_f.Context, "logs/keep.log");
        _f.Filter = new ContextFilter(["*.env", "logs", "!logs/keep.log"]);

        await _f.CopyAsync("/", "/app/");
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/secret.env", "/x"));

        Assert.Equal(["keep.txt", "logs"], Names(_f.InRoot("app")));
        Assert.Equal(["keep.log"], Names(_f.InRoot("app/logs")));
        Assert.Equal("lstat /secret.env: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Dockerignored_files_do_not_match_wildcards()
    {
        Write(_f.Context, "a.txt");
        Write(_f.Context, "b.txt");
        _f.Filter = new ContextFilter(["b.txt"]);

        await _f.CopyAsync("/*.txt", "/out/");

        Assert.Equal(["a.txt"], Names(_f.InRoot("out")));
    }

    [Fact]
    public async Task Source_climbing_out_of_the_context_is_refused()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("../etc/passwd", "/x"));

        Assert.Contains("outside the build context", e.Message);
        Assert.False(File.Exists(_f.InRoot("x")));
    }

    [Fact]
    public async Task Source_climbing_out_of_another_stage_is_clamped_to_its_root()
    {
        Write(_f.Stage, "etc/passwd", "stage");

        await _f.CopyAsync("../../etc/passwd", "/x", from: StageInput);

        Assert.Equal("stage", File.ReadAllText(_f.InRoot("x")));
    }

    [Fact]
    public async Task Directory_onto_an_existing_file_is_an_error()
    {
        Write(_f.Context, "src/sub/a.txt");
        Write(_f.Root, "app/sub", "file");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/src", "/app"));

        Assert.Equal("cannot copy to non-directory: /app/sub", e.Message);
    }

    [Fact]
    public async Task File_onto_an_existing_directory_inside_a_tree_is_an_error()
    {
        Write(_f.Context, "src/sub");
        Write(_f.Root, "app/sub/inner.txt");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/src", "/app"));

        Assert.Equal("cannot replace to directory /app/sub with file", e.Message);
    }

    [Fact]
    public async Task Without_create_dest_path_a_missing_parent_is_an_error()
    {
        Write(_f.Context, "a.txt");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/a.txt", "/missing/a.txt", a => a with { CreateDestPath = false }));

        Assert.StartsWith("failed to stat /missing/a.txt", e.Message);
    }

    [Fact]
    public async Task Exclude_patterns_skip_matching_entries()
    {
        Write(_f.Context, "src/a.txt");
        Write(_f.Context, "src/b.log");
        Write(_f.Context, "src/sub/c.log");
        Write(_f.Context, "src/sub/d.txt");

        await _f.CopyAsync("/src", "/app", a => a with { ExcludePatterns = ["*.log", "sub/*.log"] });

        Assert.Equal(["a.txt", "sub"], Names(_f.InRoot("app")));
        Assert.Equal(["d.txt"], Names(_f.InRoot("app/sub")));
    }

    [Fact]
    public async Task Parents_keep_the_matched_paths_below_the_destination()
    {
        // COPY --parents a/*/c.txt /out/ : the converter copies "/" with an include pattern.
        Write(_f.Context, "a/x/c.txt", "1");
        Write(_f.Context, "a/y/c.txt", "2");
        Write(_f.Context, "a/z/other.txt");
        Write(_f.Context, "top.txt");

        await _f.CopyAsync("/", "/out/", a => a with { IncludePatterns = ["a/*/c.txt"] });

        Assert.Equal(["a"], Names(_f.InRoot("out")));
        Assert.Equal(["x", "y"], Names(_f.InRoot("out/a")));
        Assert.Equal("2", File.ReadAllText(_f.InRoot("out/a/y/c.txt")));
    }

    [Fact]
    public async Task Required_path_missing_is_an_error()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() =>
            _f.CopyAsync("/", "/out/", a => a with { IncludePatterns = ["a/b.txt"], RequiredPaths = ["/a/b.txt"] }));

        Assert.Equal("\"/a/b.txt\": not found", e.Message);
    }

    [Fact]
    public async Task Copy_keeps_the_source_modification_time()
    {
        var when = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1234567);
        Write(_f.Context, "a.txt", mtime: when);

        await _f.CopyAsync("/a.txt", "/a.txt");

        var st = Stat(_f.InRoot("a.txt"));
        Assert.Equal(when.ToUnixTimeSeconds(), st.MtimeSeconds);
        Assert.Equal(123456700u, st.MtimeNanoseconds);
    }

    [Fact]
    public async Task Several_actions_apply_in_order()
    {
        Write(_f.Context, "a.txt", "a");
        Write(_f.Context, "b.txt", "b");

        await _f.RunAsync(CopyAction("/a.txt", "/d/"), CopyAction("/b.txt", "/d/"), new Img.Engine.Graph.FileRmAction("/d/a.txt", false, false));

        Assert.Equal(["b.txt"], Names(_f.InRoot("d")));
    }

    internal static string[] Names(string dir) =>
        Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray();

    private static void LibC_Chmod(string path, uint mode) => Posix.Chmod(path, mode);
}
