using Img.Engine.Native;
using System.Formats.Tar;
using System.IO.Compression;
using Img.Engine.Archive;
using Img.Engine.Content;
using Xunit;

namespace Img.Engine.Tests.Archive;

public sealed class SafeUnpackerTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("img-unpack-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public SafeUnpackerTests()
    {
        _root = Path.Combine(_base, "a", "b", "root");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "keep"), "original");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private Task<UnpackResult> Apply(byte[] tar, UnpackOptions? options = null) =>
        SafeUnpacker.ApplyAsync(new MemoryStream(tar), _root, options).AsTask();

    private string R(string relative) => Path.Combine(_root, relative);

    /// <summary>Everything under the test base that is not inside the root.</summary>
    private string[] OutsideListing()
    {
        var found = new List<string>();
        void Walk(DirectoryInfo dir)
        {
            foreach (var child in dir.EnumerateFileSystemInfos())
            {
                if (ArchivePath.IsWithin(_root, child.FullName)) continue;
                found.Add(child.FullName[_base.Length..]);
                if (child is DirectoryInfo sub && sub.LinkTarget is null) Walk(sub);
            }
        }
        Walk(new DirectoryInfo(_base));
        return found.Order(StringComparer.Ordinal).ToArray();
    }

    private static readonly string[] ExpectedOutside = ["/a", "/a/b", "/outside", "/outside/keep"];

    private void AssertNothingOutside()
    {
        Assert.Equal(ExpectedOutside, OutsideListing());
        Assert.Equal("original", File.ReadAllText(Path.Combine(_outside, "keep")));
    }

    [Fact]
    public async Task Applies_files_directories_links_modes_and_times()
    {
        var tar = new TarBuilder()
            .Dir("usr/", (UnixFileMode)Convert.ToInt32("755", 8))
            .Dir("tmp", (UnixFileMode)Convert.ToInt32("1777", 8))
            .File("usr/bin/su", "su-binary", (UnixFileMode)Convert.ToInt32("4755", 8), uid: 12, gid: 34)
            .File("usr/bin/wall", "wall", (UnixFileMode)Convert.ToInt32("2755", 8))
            .Symlink("usr/bin/sh", "busybox")
            .Hardlink("usr/bin/su-again", "usr/bin/su")
            .Build();
        var result = await Apply(tar);
        Assert.Equal(6, result.Entries);
        Assert.Equal("su-binary", File.ReadAllText(R("usr/bin/su")));
        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal("busybox", new FileInfo(R("usr/bin/sh")).LinkTarget);
        Assert.Equal(Convert.ToInt32("1777", 8), (int)Posix.LStat(R("tmp")).Permissions);
        Assert.Equal(Convert.ToInt32("2755", 8), (int)Posix.LStat(R("usr/bin/wall")).Permissions);
        // Implicit parent usr/bin got the default directory mode.
        Assert.Equal(SafeUnpacker.ImplicitDirectoryMode, (UnixFileMode)Posix.LStat(R("usr/bin")).Permissions);

        var su = Posix.LStat(R("usr/bin/su"));
        Assert.Equal(Posix.LStat(R("usr/bin/su-again")).Inode, su.Inode);
        Assert.Equal(2u, su.Links);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), su.ModificationTime);
        // Directory mtimes are set after their children were written.
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), Posix.LStat(R("usr")).ModificationTime);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), Posix.LStat(R("usr/bin/sh")).ModificationTime);
        if (Posix.IsRoot)
        {
            Assert.Equal((12u, 34u), (su.Uid, su.Gid));
            // setuid survives the chown.
            Assert.Equal(Convert.ToInt32("4755", 8), (int)su.Permissions);
        }
        AssertNothingOutside();
    }

    [Fact]
    public async Task Dot_dot_entries_are_refused_and_nothing_is_written_outside()
    {
        foreach (var name in new[] { "../evil", "../../../outside/keep", "ok/../../evil", "./../evil" })
        {
            var tar = new TarBuilder().File(name, "pwned").Build();
            var e = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => Apply(tar));
            Assert.Contains(name, e.Message);
        }
        AssertNothingOutside();
    }

    [Fact]
    public async Task Absolute_names_are_contained_in_the_root()
    {
        await Apply(new TarBuilder().File("/abs/file", "inside").File("/" + _outside.TrimStart('/') + "/keep", "inside too").Build());
        Assert.Equal("inside", File.ReadAllText(R("abs/file")));
        Assert.Equal("inside too", File.ReadAllText(R(_outside.TrimStart('/') + "/keep")));
        AssertNothingOutside();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("../../../..")]
    [InlineData("..")]
    public async Task Symlink_escape_then_write_through_lands_inside(string linkTarget)
    {
        var outsideRelativeToRoot = _outside.TrimStart('/');
        var tar = new TarBuilder()
            .Symlink("escape", linkTarget)
            .File("escape/" + outsideRelativeToRoot + "/keep", "pwned")
            .File("escape/evil", "pwned")
            .Symlink("direct", _outside)
            .File("direct/keep", "pwned")
            .File("direct/new", "pwned")
            .Build();
        await Apply(tar);
        AssertNothingOutside();
        Assert.Equal("pwned", File.ReadAllText(R("evil")));
        Assert.Equal("pwned", File.ReadAllText(R(outsideRelativeToRoot + "/new")));
        // The links themselves are kept as written.
        Assert.Equal(_outside, new FileInfo(R("direct")).LinkTarget);
    }

    [Fact]
    public async Task Existing_symlink_at_the_final_component_is_replaced_not_followed()
    {
        File.CreateSymbolicLink(R("f"), Path.Combine(_outside, "keep"));
        Directory.CreateDirectory(R("d"));
        File.CreateSymbolicLink(R("d/link"), _outside);
        await Apply(new TarBuilder().File("f", "new content").Dir("d/link").Build());
        Assert.Null(new FileInfo(R("f")).LinkTarget);
        Assert.Equal("new content", File.ReadAllText(R("f")));
        Assert.Null(new DirectoryInfo(R("d/link")).LinkTarget);
        Assert.True(Directory.Exists(R("d/link")));
        AssertNothingOutside();
    }

    [Fact]
    public async Task Hardlinks_out_of_the_root_are_refused()
    {
        var cases = new[]
        {
            new TarBuilder().Hardlink("passwd", "/etc/passwd").Build(),
            new TarBuilder().Hardlink("passwd", "../../../../../../etc/passwd").Build(),
            new TarBuilder().Symlink("etc", "/etc").Hardlink("passwd", "etc/passwd").Build(), // a link loop
            new TarBuilder().Symlink("slash", "/").Hardlink("passwd", "slash/etc/passwd").Build(),
            new TarBuilder().Symlink("out", _outside).Hardlink("keep", "out/keep").Build(),
        };
        foreach (var tar in cases)
            await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => Apply(tar));
        Assert.False(File.Exists(R("passwd")));
        Assert.False(File.Exists(R("keep")));
        AssertNothingOutside();
        // /etc/passwd of the host keeps a single link.
        if (File.Exists("/etc/passwd")) Assert.Equal(1u, Posix.LStat("/etc/passwd").Links);
    }

    [Fact]
    public async Task Hardlink_to_a_symlink_links_the_symlink_itself()
    {
        await Apply(new TarBuilder().Symlink("s", _outside + "/keep").Hardlink("h", "s").Build());
        Assert.Equal(_outside + "/keep", new FileInfo(R("h")).LinkTarget);
        AssertNothingOutside();
    }

    [Fact]
    public async Task Whiteouts_delete_from_lower_layers()
    {
        await Apply(new TarBuilder().File("a/b", "b").File("a/c", "c").File("d", "d").Dir("e").File("e/f", "f").Symlink("s", "/").Build());
        var result = await Apply(new TarBuilder().File("a/.wh.b", "").File(".wh.d", "").File(".wh.e", "").File(".wh.s", "").File("a/.wh..wh.plnk", "").Build());
        Assert.Equal(5, result.Entries);
        Assert.False(File.Exists(R("a/b")));
        Assert.True(File.Exists(R("a/c")));
        Assert.False(File.Exists(R("d")));
        Assert.False(Directory.Exists(R("e")));
        Assert.Null(new FileInfo(R("s")).LinkTarget);
        Assert.Empty(Directory.GetFiles(_root, ".wh.*", SearchOption.AllDirectories));
        AssertNothingOutside();
    }

    [Fact]
    public async Task Whiteout_through_an_escaping_symlink_stays_inside()
    {
        await Apply(new TarBuilder().Symlink("out", _outside).File("out/.wh.keep", "").Build());
        AssertNothingOutside();
        await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => Apply(new TarBuilder().File("../.wh.outside", "").Build()));
        AssertNothingOutside();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Opaque_directory_hides_lower_content(bool markerFirst)
    {
        await Apply(new TarBuilder().File("dir/x", "x").Dir("dir/sub").File("dir/sub/y", "y").File("other", "o").Build());
        var upper = new TarBuilder().Dir("dir");
        if (markerFirst) upper.File("dir/.wh..wh..opq", "");
        upper.File("dir/z", "z");
        if (!markerFirst) upper.File("dir/.wh..wh..opq", "");
        await Apply(upper.Build());
        Assert.Equal(["z"], Directory.EnumerateFileSystemEntries(R("dir")).Select(p => Path.GetFileName(p)!).ToArray());
        Assert.True(File.Exists(R("other")));
    }

    [Fact]
    public async Task Devices_are_skipped_with_a_note_when_not_allowed()
    {
        var tar = new TarBuilder().Device("dev/null", TarEntryType.CharacterDevice, 1, 3).Device("dev/fifo", TarEntryType.Fifo, 0, 0).Build();
        var result = await Apply(tar, new UnpackOptions { CreateDeviceNodes = false });
        Assert.False(File.Exists(R("dev/null")));
        Assert.Contains(result.Notes, n => n.Contains("dev/null") && n.Contains("not running as root"));
        var fifo = Posix.LStat(R("dev/fifo"));
        Assert.True(fifo.IsFifo);
    }

    [Fact]
    public async Task Devices_are_created_as_root()
    {
        if (!Posix.IsRoot) return;
        var result = await Apply(new TarBuilder().Device("dev/null", TarEntryType.CharacterDevice, 1, 3).Build());
        if (result.Notes.Count > 0) return; // root in a user namespace without CAP_MKNOD
        var dev = Posix.LStat(R("dev/null"));
        Assert.True(dev.IsCharDevice);
        Assert.Equal((1u, 3u), (dev.RdevMajor, dev.RdevMinor));
    }

    [Fact]
    public async Task Replacing_a_directory_with_a_file_and_back()
    {
        await Apply(new TarBuilder().File("x/inner", "i").File("y", "y").Build());
        await Apply(new TarBuilder().File("x", "now a file").Dir("y").Build());
        Assert.Equal("now a file", File.ReadAllText(R("x")));
        Assert.True(Directory.Exists(R("y")));
    }

    [Fact]
    public async Task Gzip_layers_are_detected_and_diff_id_is_of_the_uncompressed_tar()
    {
        var tar = new TarBuilder().File("f", "compressed").Build();
        var gz = new MemoryStream();
        using (var g = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) g.Write(tar);
        var result = await Apply(gz.ToArray());
        Assert.Equal("compressed", File.ReadAllText(R("f")));
        Assert.Equal(Digest.Compute(tar), result.DiffId);
    }

    [Fact]
    public async Task Xattrs_are_applied_or_noted()
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "x", new Dictionary<string, string> { ["SCHILY.xattr.user.img"] = "yes" })
            {
                Mode = (UnixFileMode)Convert.ToInt32("644", 8),
            });
        }
        var result = await Apply(ms.ToArray());
        var xattrs = Posix.Lgetxattrs(R("x"));
        if (xattrs.TryGetValue("user.img", out var value))
            Assert.Equal("yes"u8.ToArray(), value);
        else
            Assert.Contains(result.Notes, n => n.Contains("user.img"));
    }
}
