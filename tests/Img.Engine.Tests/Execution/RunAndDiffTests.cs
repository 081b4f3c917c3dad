using System.Formats.Tar;
using Img.Engine.Diff;
using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Execution;

/// <summary>End to end: a RUN step in a snapshot, then its layer diff, for every snapshotter.</summary>
public sealed class RunAndDiffTests : IDisposable
{
    private const string Changes = "touch /a; rm /bin/ls; mkdir -p /d; ln -s x /s";
    private static readonly string[] ChangesLayer = ["a", "bin/", "bin/.wh.ls", "d/", "s"];

    private readonly TestDirectory _dir = new("img-rundiff");

    public void Dispose() => _dir.Dispose();

    private async Task<List<(string Name, TarEntryType Type, string Link)>> RunAndDiffAsync(string snapshotterName, string script, string? parentScript = null)
    {
        using ISnapshotter sn = SnapshotterFactory.Create(snapshotterName, _dir.Sub("snap-" + snapshotterName)).Snapshotter;
        var runtime = new RuncRuntime(new RuncRuntimeOptions(_dir.Sub("state-" + snapshotterName)));
        await BusyboxRootfs.CommitAsync(sn, "base", _dir.Path);
        string parent = "base";
        if (parentScript is not null)
        {
            var pm = await sn.PrepareAsync("p-active", "base");
            Assert.Equal(0, await runtime.RunAsync(new ExecSpec { Args = ["sh", "-c", parentScript] }, pm, ExecOutput.Discard));
            await sn.CommitAsync("parent", "p-active");
            parent = "parent";
        }
        var mounts = await sn.PrepareAsync("active", parent);
        var err = new List<string>();
        int exit = await runtime.RunAsync(new ExecSpec { Args = ["sh", "-c", script] }, mounts, new ExecOutput(null, err.Add));
        Assert.True(exit == 0, string.Join('\n', err));

        var lower = await sn.ViewAsync("lower", parent);
        using var tar = new MemoryStream();
        var layer = await LayerExporter.ExportAsync(DiffComparerFactory.For(sn.Name), lower, sn.Mounts("active"), tar, LayerCompression.None, DiffOptions.Default);
        Assert.Equal(tar.Length, layer.Size);
        await sn.RemoveAsync("lower");
        await sn.CommitAsync("result", "active");
        return ReadEntries(tar.ToArray());
    }

    internal static List<(string Name, TarEntryType Type, string Link)> ReadEntries(byte[] tar)
    {
        var list = new List<(string, TarEntryType, string)>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is TarEntry e)
        {
            list.Add((e.Name, e.EntryType, e.LinkName));
        }
        return list;
    }

    [Fact]
    public async Task Overlay_run_changes_become_a_layer_with_whiteouts()
    {
        Requirements.Runc();
        var entries = await RunAndDiffAsync("overlayfs", Changes);
        Assert.Equal(ChangesLayer, entries.Select(e => e.Name));
        Assert.Equal(TarEntryType.SymbolicLink, entries.Single(e => e.Name == "s").Type);
        Assert.Equal("x", entries.Single(e => e.Name == "s").Link);
    }

    [Fact]
    public async Task Native_diff_equals_the_overlay_diff()
    {
        Requirements.Runc();
        var overlay = await RunAndDiffAsync("overlayfs", Changes);
        var native = await RunAndDiffAsync("native", Changes);
        Assert.Equal(overlay, native);
    }

    [Fact]
    public async Task Fuse_overlay_diff_equals_the_overlay_diff()
    {
        Requirements.Runc();
        Requirements.FuseOverlay();
        var overlay = await RunAndDiffAsync("overlayfs", Changes);
        var fuse = await RunAndDiffAsync("fuse-overlayfs", Changes);
        Assert.Equal(overlay, fuse);
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("fuse-overlayfs")]
    public async Task Recreated_directory_whiteouts_each_old_entry_on_overlay(string snapshotter)
    {
        // BuildKit's overlay differ writes no opaque marker: it diffs the opaque directory against
        // the lower one (the same layer as the native snapshotter's walk, below).
        Requirements.Runc();
        if (snapshotter == "fuse-overlayfs")
        {
            Requirements.FuseOverlay();
        }
        var entries = await RunAndDiffAsync(snapshotter, "rm -rf /dir && mkdir /dir && echo n > /dir/new");
        Assert.Equal(["dir/", "dir/.wh.file1", "dir/.wh.file2", "dir/new"], entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Files_named_like_whiteouts_stay_ordinary_files(string snapshotter)
    {
        // An ADD of a tar holding ".wh." names extracts them as files (whiteouts are not applied);
        // BuildKit's layer keeps them as regular entries (the harness's add-edge-archives case).
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "mkdir /w && echo x > /w/.wh.file1 && echo o > /w/.wh..wh..opq && echo y > /dir/.wh.file2");
        Assert.Equal(["dir/", "dir/.wh.file2", "w/", "w/.wh..wh..opq", "w/.wh.file1"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.True(e.Type is TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Recreated_directory_leaves_out_entries_equal_to_the_lower_ones(string snapshotter)
    {
        Requirements.Runc();
        // file1 comes back as it was (a rename keeps its metadata); sub is new.
        var entries = await RunAndDiffAsync(snapshotter,
            "mv /dir/file1 /keep && rm -rf /dir && mkdir /dir && mv /keep /dir/file1 && mkdir /dir/sub && echo s > /dir/sub/s");
        Assert.Equal(["dir/", "dir/.wh.file2", "dir/sub/", "dir/sub/s"], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Recreated_directory_on_native_whiteouts_each_old_entry()
    {
        Requirements.Runc();
        var entries = await RunAndDiffAsync("native", "rm -rf /dir && mkdir /dir && echo n > /dir/new");
        Assert.Equal(["dir/", "dir/.wh.file1", "dir/.wh.file2", "dir/new"], entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Changes_deep_in_a_directory_bring_their_parents(string snapshotter)
    {
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "echo x > /home/app/f && chown 1000:1000 /home/app/f", parentScript: "mkdir -p /home/app/sub");
        Assert.Equal(["home/", "home/app/", "home/app/f"], entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task Second_layer_deletes_a_file_of_the_first(string snapshotter)
    {
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "rm /opt/one && ln /opt/two /opt/three", parentScript: "mkdir /opt && echo 1 > /opt/one && echo 2 > /opt/two");
        // /opt/two only gained a link (overlay copied it up unchanged); BuildKit's differs do not
        // compare nlink, so it is left out and /opt/three is written in full.
        Assert.Equal(["opt/", "opt/.wh.one", "opt/three"], entries.Select(e => e.Name));
        Assert.Equal(TarEntryType.RegularFile, entries[2].Type);
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task A_directory_whose_only_change_is_its_mtime_is_not_written(string snapshotter)
    {
        // BuildKit's differs compare a directory's type, mode, owner and capability, not its
        // mtime: a temp file created and removed leaves no entry for its directory.
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "touch /dir/tmp && rm /dir/tmp && touch -d '2001-01-01' /dir && echo n > /new");
        Assert.Equal(["new"], entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task A_file_copied_up_without_change_is_not_written(string snapshotter)
    {
        // chown to the owner it has and an open for append that writes nothing both copy the file
        // up on overlayfs; BuildKit's overlay differ finds it equal to the lower one.
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "chown 0:0 /dir/file1 && cat /dev/null >> /dir/file2 && echo n > /new");
        Assert.Equal(["new"], entries.Select(e => e.Name));
    }

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task A_no_op_run_gives_an_empty_layer(string snapshotter)
    {
        Requirements.Runc();
        var entries = await RunAndDiffAsync(snapshotter, "true");
        Assert.Empty(entries);
    }
}
