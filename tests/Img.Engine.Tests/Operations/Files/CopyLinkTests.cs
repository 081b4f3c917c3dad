using Xunit;
using Img.Engine.Native;
using static Img.Engine.Tests.Operations.Files.FileOpFixture;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>Symlinks, hardlinks, special files, and containment in both roots.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyLinkTests : IDisposable
{
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Symlinks_inside_a_copied_tree_stay_symlinks()
    {
        Write(_f.Context, "d/target.txt", "t");
        File.CreateSymbolicLink(Path.Join(_f.Context, "d/link"), "target.txt");
        File.CreateSymbolicLink(Path.Join(_f.Context, "d/abs"), "/etc/shadow");

        await _f.CopyAsync("/d", "/app");

        Assert.Equal("target.txt", new FileInfo(_f.InRoot("app/link")).LinkTarget);
        Assert.Equal("/etc/shadow", new FileInfo(_f.InRoot("app/abs")).LinkTarget);
    }

    [Fact]
    public async Task Top_level_symlink_source_is_followed_when_asked()
    {
        Write(_f.Context, "real.txt", "content");
        File.CreateSymbolicLink(Path.Join(_f.Context, "link.txt"), "real.txt");

        await _f.CopyAsync("/link.txt", "/followed");
        await _f.CopyAsync("/link.txt", "/kept", a => a with { FollowSymlinks = false });

        Assert.False(Stat(_f.InRoot("followed")).IsSymlink);
        Assert.Equal("content", File.ReadAllText(_f.InRoot("followed")));
        Assert.Equal("real.txt", new FileInfo(_f.InRoot("kept")).LinkTarget);
    }

    [Fact]
    public async Task Source_symlink_pointing_outside_resolves_inside_the_source_root()
    {
        Write(_f.Stage, "etc/hostname", "stage-hostname");
        File.CreateSymbolicLink(Path.Join(_f.Stage, "escape"), "/etc/hostname");

        await _f.CopyAsync("/escape", "/got", from: StageInput);

        Assert.Equal("stage-hostname", File.ReadAllText(_f.InRoot("got")));
    }

    [Fact]
    public async Task Hardlinks_within_the_copied_set_are_preserved()
    {
        string a = Write(_f.Stage, "d/a", "same");
        Posix.Link(a, Path.Join(_f.Stage, "d/b"));
        Directory.CreateDirectory(Path.Join(_f.Stage, "d/sub"));
        Posix.Link(a, Path.Join(_f.Stage, "d/sub/c"));

        await _f.CopyAsync("/d", "/app", from: StageInput);

        var sa = Stat(_f.InRoot("app/a"));
        Assert.Equal(sa.Inode, Stat(_f.InRoot("app/b")).Inode);
        Assert.Equal(sa.Inode, Stat(_f.InRoot("app/sub/c")).Inode);
        Assert.Equal(3u, sa.Links);
    }

    [Fact]
    public async Task Hardlinks_survive_the_parallel_path()
    {
        for (int i = 0; i < 40; i++) Write(_f.Stage, $"d/f{i:D2}", $"{i}");
        Posix.Link(Path.Join(_f.Stage, "d/f00"), Path.Join(_f.Stage, "d/zz-link"));

        await _f.CopyAsync("/d", "/app", from: StageInput);

        Assert.Equal(Stat(_f.InRoot("app/f00")).Inode, Stat(_f.InRoot("app/zz-link")).Inode);
        Assert.Equal("39", File.ReadAllText(_f.InRoot("app/f39")));
    }

    [Fact]
    public async Task Fifos_and_character_devices_are_recreated()
    {
        Directory.CreateDirectory(Path.Join(_f.Stage, "dev"));
        Assert.Equal(0, Posix.TryMknod(Path.Join(_f.Stage, "dev/fifo"), 0x1000 | 0x1A4, 0, 0));
        Assert.Equal(0, Posix.TryMknod(Path.Join(_f.Stage, "dev/null"), 0x2000 | 0x1B6, 1, 3));

        await _f.CopyAsync("/dev", "/dev", from: StageInput);

        Assert.True(Stat(_f.InRoot("dev/fifo")).IsFifo);
        var nul = Stat(_f.InRoot("dev/null"));
        Assert.True(nul.IsCharDevice);
        Assert.Equal((1u, 3u), (nul.RdevMajor, nul.RdevMinor));
    }

    [Fact]
    public async Task Destination_symlink_to_etc_stays_inside_the_root()
    {
        Write(_f.Context, "evil", "pwned");
        Directory.CreateDirectory(_f.InRoot("etc"));
        File.CreateSymbolicLink(_f.InRoot("out"), "/etc");
        string hostProbe = "/etc/evil";
        bool existedBefore = File.Exists(hostProbe);

        await _f.CopyAsync("/evil", "/out/");

        Assert.Equal("pwned", File.ReadAllText(_f.InRoot("etc/evil")));
        Assert.Equal(existedBefore, File.Exists(hostProbe));
    }

    [Fact]
    public async Task Destination_symlink_with_dotdot_cannot_climb_out()
    {
        Write(_f.Context, "f", "data");
        File.CreateSymbolicLink(_f.InRoot("up"), "../../../../../../tmp");

        await _f.CopyAsync("/f", "/up/img-fileop-escape-probe");

        Assert.True(File.Exists(_f.InRoot("tmp/img-fileop-escape-probe")));
        Assert.False(File.Exists("/tmp/img-fileop-escape-probe"));
    }

    [Fact]
    public async Task Copying_over_a_destination_symlink_replaces_the_link()
    {
        Write(_f.Context, "d/name", "new");
        Write(_f.Root, "outside-target", "keep");
        Directory.CreateDirectory(_f.InRoot("app"));
        File.CreateSymbolicLink(_f.InRoot("app/name"), "/outside-target");

        await _f.CopyAsync("/d", "/app");

        Assert.False(Stat(_f.InRoot("app/name")).IsSymlink);
        Assert.Equal("keep", File.ReadAllText(_f.InRoot("outside-target")));
    }
}
