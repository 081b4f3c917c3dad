using Img.Engine.Graph;
using Img.Engine.Native;
using Img.Engine.Operations.Files;
using Xunit;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>mkdir (WORKDIR), mkfile (here-documents) and rm.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileActionTests : IDisposable
{
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Mkdir_with_parents_sets_mode_owner_and_epoch_on_created_directories()
    {
        _f.Users();
        var epoch = new DateTimeOffset(2022, 2, 2, 0, 0, 0, TimeSpan.Zero);
        _f.Options = new FileOpRunnerOptions { SourceDateEpoch = epoch };
        Directory.CreateDirectory(_f.InRoot("srv"));

        await _f.RunAsync(new FileMkdirAction("/srv/app/data", 0x1ED, MakeParents: true) { Chown = "app" });

        foreach (string p in new[] { "srv/app", "srv/app/data" })
        {
            var st = Stat(_f.InRoot(p));
            Assert.Equal(0x1EDu, st.Permissions);
            Assert.Equal((1000u, 1001u), (st.Uid, st.Gid));
        }
        // BuildKit stamps each directory as it creates it, so only the last keeps the epoch
        Assert.Equal(epoch.ToUnixTimeSeconds(), Stat(_f.InRoot("srv/app/data")).MtimeSeconds);
        Assert.Equal((0u, 0u), (Stat(_f.InRoot("srv")).Uid, Stat(_f.InRoot("srv")).Gid));
    }

    [Fact]
    public async Task Mkdir_of_an_existing_path_changes_nothing()
    {
        Directory.CreateDirectory(_f.InRoot("w"));
        Posix.Chmod(_f.InRoot("w"), 0x1C0);

        await _f.RunAsync(new FileMkdirAction("/w", 0x1ED, MakeParents: true) { Chown = "5:5" });
        await _f.RunAsync(new FileMkdirAction("/w", 0x1ED, MakeParents: false));

        var st = Stat(_f.InRoot("w"));
        Assert.Equal(0x1C0u, st.Permissions);
        Assert.Equal(0u, st.Uid);
    }

    [Fact]
    public async Task Mkdir_without_parents_needs_the_parent()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.RunAsync(new FileMkdirAction("/a/b", 0x1ED, MakeParents: false)));

        Assert.Equal("mkdir /a/b: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Mkdir_through_a_file_is_an_error()
    {
        Write(_f.Root, "file");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.RunAsync(new FileMkdirAction("/file/sub", 0x1ED, MakeParents: true)));

        Assert.Equal("mkdir /file: not a directory", e.Message);
    }

    [Fact]
    public async Task Mkdir_through_a_symlink_to_an_absolute_path_stays_inside()
    {
        File.CreateSymbolicLink(_f.InRoot("w"), "/tmp");

        await _f.RunAsync(new FileMkdirAction("/w/img-fileop-mkdir-probe", 0x1ED, MakeParents: true));

        Assert.True(Directory.Exists(_f.InRoot("tmp/img-fileop-mkdir-probe")));
        Assert.False(Directory.Exists("/tmp/img-fileop-mkdir-probe"));
    }

    [Fact]
    public async Task Mkfile_writes_content_mode_and_owner()
    {
        await _f.RunAsync(new FileMkfileAction("/hello.sh", 0x1ED, "#!/bin/sh\necho hi\n") { Chown = "10:20" });

        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(_f.InRoot("hello.sh")));
        var st = Stat(_f.InRoot("hello.sh"));
        Assert.Equal(0x1EDu, st.Permissions);
        Assert.Equal((10u, 20u), (st.Uid, st.Gid));
    }

    [Fact]
    public async Task Mkfile_on_scratch_then_copy_is_the_inline_document_pattern()
    {
        await _f.RunAsync(new FileOp(null, [new FileMkfileAction("/doc", 0x1A4, "inline")]));

        Assert.Equal("inline", File.ReadAllText(_f.InRoot("doc")));
        Assert.Equal(0x1A4u, Stat(_f.InRoot("doc")).Permissions);
    }

    [Fact]
    public async Task Mkfile_needs_the_parent_directory()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.RunAsync(new FileMkfileAction("/no/such/file", 0x1A4, "")));

        Assert.Equal("open /no/such/file: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Rm_removes_a_directory_tree()
    {
        Write(_f.Root, "d/a/b.txt");

        await _f.RunAsync(new FileRmAction("/d", AllowNotFound: false, AllowWildcard: false));

        Assert.False(Directory.Exists(_f.InRoot("d")));
    }

    [Fact]
    public async Task Rm_with_wildcard_removes_every_match()
    {
        Write(_f.Root, "tmp/a.log");
        Write(_f.Root, "tmp/b.log");
        Write(_f.Root, "tmp/keep.txt");

        await _f.RunAsync(new FileRmAction("/tmp/*.log", AllowNotFound: false, AllowWildcard: true));

        Assert.Equal(["keep.txt"], CopyPathTests.Names(_f.InRoot("tmp")));
    }

    [Fact]
    public async Task Rm_of_a_missing_path_is_an_error_unless_allowed()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.RunAsync(new FileRmAction("/gone", AllowNotFound: false, AllowWildcard: false)));
        await _f.RunAsync(new FileRmAction("/gone", AllowNotFound: true, AllowWildcard: false));

        Assert.Equal("stat /gone: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Rm_of_a_symlink_removes_the_link_not_its_target()
    {
        Write(_f.Root, "keep/file");
        File.CreateSymbolicLink(_f.InRoot("link"), "/keep");

        await _f.RunAsync(new FileRmAction("/link", AllowNotFound: false, AllowWildcard: false));

        Assert.False(File.Exists(_f.InRoot("link")));
        Assert.True(File.Exists(_f.InRoot("keep/file")));
    }

    [Fact]
    public async Task Rm_of_the_root_is_refused()
    {
        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.RunAsync(new FileRmAction("/", AllowNotFound: true, AllowWildcard: false)));

        Assert.Equal("rmPath: invalid empty path", e.Message);
    }
}
