using Img.Engine.Graph;
using Img.Engine.Native;
using Img.Engine.Operations.Files;
using Xunit;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>Owners (--chown, context vs --from) and modes (--chmod) of copied entries. Runs as root.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyMetadataTests : IDisposable
{
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static (uint, uint) Owner(string path)
    {
        var st = Stat(path);
        return (st.Uid, st.Gid);
    }

    [Fact]
    public async Task Context_files_belong_to_root_without_chown()
    {
        Posix.Lchown(Write(_f.Context, "d/a.txt"), 1234, 5678);
        Posix.Lchown(Path.Join(_f.Context, "d"), 1234, 5678);

        await _f.CopyAsync("/d", "/app");

        Assert.Equal((0u, 0u), Owner(_f.InRoot("app/a.txt")));
    }

    [Fact]
    public async Task Files_from_another_stage_keep_their_owners()
    {
        Posix.Lchown(Write(_f.Stage, "d/a.txt"), 1234, 5678);
        Posix.Lchown(Path.Join(_f.Stage, "d"), 42, 43);
        Directory.CreateDirectory(Path.Join(_f.Stage, "d/sub"));
        Posix.Lchown(Path.Join(_f.Stage, "d/sub"), 7, 8);

        await _f.CopyAsync("/d", "/app", from: StageInput);

        Assert.Equal((1234u, 5678u), Owner(_f.InRoot("app/a.txt")));
        Assert.Equal((7u, 8u), Owner(_f.InRoot("app/sub")));
        Assert.Equal((0u, 0u), Owner(_f.InRoot("app"))); // created destination: no chown
    }

    [Fact]
    public async Task Chown_by_name_resolves_in_the_destination_and_covers_created_parents()
    {
        _f.Users();
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/home/app/deep/", a => a with { Chown = "app:staff" });

        Assert.Equal((1000u, 50u), Owner(_f.InRoot("home/app/deep/a.txt")));
        Assert.Equal((1000u, 50u), Owner(_f.InRoot("home/app/deep")));
        Assert.Equal((1000u, 50u), Owner(_f.InRoot("home")));
    }

    [Fact]
    public async Task Chown_user_alone_takes_the_primary_group()
    {
        _f.Users();
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/a.txt", a => a with { Chown = "app" });

        Assert.Equal((1000u, 1001u), Owner(_f.InRoot("a.txt")));
    }

    [Theory]
    [InlineData("1500", 1500u, 1500u)]
    [InlineData("1500:20", 1500u, 20u)]
    [InlineData("root:apps", 0u, 1001u)]
    [InlineData("svc:0", 2000u, 0u)]
    [InlineData("app:", 1000u, 0u)]
    public async Task Chown_numbers_and_mixes(string chown, uint uid, uint gid)
    {
        _f.Users();
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/a.txt", a => a with { Chown = chown });

        Assert.Equal((uid, gid), Owner(_f.InRoot("a.txt")));
    }

    [Fact]
    public async Task Unknown_user_name_means_root_as_in_buildkit()
    {
        _f.Users();
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/a.txt", a => a with { Chown = "nobody-here" });

        Assert.Equal((0u, 0u), Owner(_f.InRoot("a.txt")));
    }

    [Fact]
    public async Task Unknown_user_name_is_an_error_when_required()
    {
        _f.Users();
        _f.Options = new FileOpRunnerOptions { RequireKnownOwners = true };
        Write(_f.Context, "a.txt");

        var e = await Assert.ThrowsAsync<FileOpException>(() => _f.CopyAsync("/a.txt", "/a.txt", a => a with { Chown = "ghost" }));

        Assert.Equal("unable to find user ghost: no matching entries in passwd file", e.Message);
    }

    [Fact]
    public async Task Passwd_behind_a_symlink_is_read_inside_the_root()
    {
        Write(_f.Root, "real/passwd", "app:x:3000:3001::/:/bin/sh\n");
        Directory.CreateDirectory(_f.InRoot("etc"));
        File.CreateSymbolicLink(_f.InRoot("etc/passwd"), "/real/passwd");
        Write(_f.Context, "a.txt");

        await _f.CopyAsync("/a.txt", "/a.txt", a => a with { Chown = "app" });

        Assert.Equal((3000u, 3001u), Owner(_f.InRoot("a.txt")));
    }

    [Fact]
    public async Task Chown_by_name_on_scratch_is_an_error()
    {
        Write(_f.Context, "a.txt");

        var e = await Assert.ThrowsAsync<FileOpException>(() =>
            _f.RunAsync(new FileOp(null, [CopyAction("/a.txt", "/a.txt") with { Chown = "app" }])));

        Assert.Equal("invalid missing user mount", e.Message);
    }

    [Fact]
    public async Task Chmod_octal_applies_to_files_and_directories_and_created_parents()
    {
        Write(_f.Context, "d/a.txt", mode: 0x180);
        Write(_f.Context, "d/sub/b.sh", mode: 0x1ED);

        await _f.CopyAsync("/d", "/p/app", a => a with { Mode = 0x1E4 /* 0744 */ });

        Assert.Equal(0x1E4u, Stat(_f.InRoot("p/app/a.txt")).Permissions);
        Assert.Equal(0x1E4u, Stat(_f.InRoot("p/app/sub")).Permissions);
        Assert.Equal(0x1E4u, Stat(_f.InRoot("p/app/sub/b.sh")).Permissions);
        Assert.Equal(0x1E4u, Stat(_f.InRoot("p")).Permissions);
        Assert.Equal(0x1E4u, Stat(_f.InRoot("p/app")).Permissions);
    }

    [Fact]
    public async Task Chmod_octal_keeps_special_bits_on_entries()
    {
        Write(_f.Context, "a");

        await _f.CopyAsync("/a", "/a", a => a with { Mode = 0xDED /* 06755 */ });

        Assert.Equal(0xDEDu, Stat(_f.InRoot("a")).Permissions);
    }

    [Fact]
    public async Task Chmod_symbolic_applies_to_each_entry_own_mode()
    {
        Write(_f.Context, "d/plain.txt", mode: 0x1A4 /* 0644 */);
        Write(_f.Context, "d/tool", mode: 0x1E4 /* 0744 */);
        Directory.CreateDirectory(Path.Join(_f.Context, "d/sub"));
        Posix.Chmod(Path.Join(_f.Context, "d/sub"), 0x1C0 /* 0700 */);

        await _f.CopyAsync("/d", "/app", a => a with { ModeString = "go+rX,u-w" });

        Assert.Equal(0x124u /* 0444 */, Stat(_f.InRoot("app/plain.txt")).Permissions);
        Assert.Equal(0x16Du /* 0555 */, Stat(_f.InRoot("app/tool")).Permissions);
        Assert.Equal(0x16Du /* 0555 */, Stat(_f.InRoot("app/sub")).Permissions);
    }

    [Fact]
    public async Task Symlinks_get_the_owner_but_no_mode()
    {
        File.CreateSymbolicLink(Path.Join(_f.Stage, "link"), "target");
        Posix.Lchown(Path.Join(_f.Stage, "link"), 11, 12);

        await _f.CopyAsync("/link", "/link", a => a with { Mode = 0x180, FollowSymlinks = false }, from: StageInput);

        var st = Stat(_f.InRoot("link"));
        Assert.True(st.IsSymlink);
        Assert.Equal((11u, 12u), (st.Uid, st.Gid));
    }

    [Fact]
    public async Task Xattrs_are_copied()
    {
        string a = Write(_f.Stage, "a");
        if (Posix.TrySetXattr(a, "user.img.test", "v"u8) != 0) return; // file system without user xattrs

        await _f.CopyAsync("/a", "/a", from: StageInput);

        Assert.Equal("v"u8.ToArray(), Posix.GetXattr(_f.InRoot("a"), "user.img.test"));
    }
}
