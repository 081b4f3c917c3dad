using System.Text.Json.Nodes;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Xunit;

namespace Img.Engine.Tests.Snapshots;

/// <summary>The behaviour every <see cref="ISnapshotter"/> must have; each backend subclasses this once.</summary>
public abstract class SnapshotterConformanceTests : IDisposable
{
    protected SnapshotterConformanceTests()
    {
        CheckEnvironment();
        Dir = new TestDirectory("img-snap");
        Root = Dir.Sub("root");
        Snapshotter = Open();
    }

    protected TestDirectory Dir { get; }

    protected string Root { get; }

    protected ISnapshotter Snapshotter { get; private set; }

    protected abstract ISnapshotter Create(string root);

    protected virtual void CheckEnvironment() => Requirements.Root();

    /// <summary>Overlay backends stack a merge's snapshots as lower directories; native copies them.</summary>
    protected virtual bool MergesWithoutCopying => true;

    protected ISnapshotter Open() => Create(Root);

    public void Dispose()
    {
        Snapshotter.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected async Task<string> CommitLayerAsync(string name, string? parent, Action<string> change)
    {
        IReadOnlyList<Mount> mounts = await Snapshotter.PrepareAsync(name + "-active", parent);
        string mnt = Dir.Sub("mnt-" + name);
        using (Mounter.MountAt(mounts, mnt))
        {
            change(mnt);
        }
        await Snapshotter.CommitAsync(name, name + "-active");
        return mnt;
    }

    [Fact]
    public async Task Prepare_commit_chain_shows_parent_files_and_hides_deleted_ones()
    {
        await CommitLayerAsync("base", null, m =>
        {
            File.WriteAllText(Path.Join(m, "keep"), "k");
            File.WriteAllText(Path.Join(m, "gone"), "g");
            Directory.CreateDirectory(Path.Join(m, "dir/sub"));
            File.WriteAllText(Path.Join(m, "dir/sub/f"), "f");
        });
        await CommitLayerAsync("child", "base", m =>
        {
            Assert.Equal("k", File.ReadAllText(Path.Join(m, "keep")));
            Assert.Equal("f", File.ReadAllText(Path.Join(m, "dir/sub/f")));
            File.Delete(Path.Join(m, "gone"));
            File.WriteAllText(Path.Join(m, "new"), "n");
            File.WriteAllText(Path.Join(m, "keep"), "k2");
        });

        IReadOnlyList<Mount> view = await Snapshotter.ViewAsync("v", "child");
        string vm = Dir.Sub("view");
        using (Mounter.MountAt(view, vm))
        {
            Assert.False(File.Exists(Path.Join(vm, "gone")));
            Assert.Equal("n", File.ReadAllText(Path.Join(vm, "new")));
            Assert.Equal("k2", File.ReadAllText(Path.Join(vm, "keep")));
            Assert.Equal("f", File.ReadAllText(Path.Join(vm, "dir/sub/f")));
        }

        // The parent is unchanged.
        IReadOnlyList<Mount> baseView = await Snapshotter.ViewAsync("vb", "base");
        string bm = Dir.Sub("view-base");
        using (Mounter.MountAt(baseView, bm))
        {
            Assert.True(File.Exists(Path.Join(bm, "gone")));
            Assert.Equal("k", File.ReadAllText(Path.Join(bm, "keep")));
            Assert.False(File.Exists(Path.Join(bm, "new")));
        }
    }

    [Fact]
    public async Task An_active_snapshot_can_be_mounted_again()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "a"), "a"));
        var mounts = await Snapshotter.PrepareAsync("work", "base");
        string mnt = Dir.Sub("again");
        for (int i = 0; i < 3; i++)
        {
            using (Mounter.MountAt(mounts, mnt))
            {
                File.WriteAllText(Path.Join(mnt, "n" + i), i.ToString());
                Assert.Equal(i + 2, Directory.GetFiles(mnt).Length);
            }
        }
        await Snapshotter.CommitAsync("done", "work");
        using var lease = Mounter.MountTemporary(await Snapshotter.ViewAsync("v", "done"), Dir.Path);
        Assert.Equal(["a", "n0", "n1", "n2"], Directory.GetFiles(lease.Directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Deep_chains_merge_every_layer()
    {
        string? parent = null;
        for (int i = 0; i < 6; i++)
        {
            int n = i;
            await CommitLayerAsync("l" + i, parent, m => File.WriteAllText(Path.Join(m, "f" + n), n.ToString()));
            parent = "l" + i;
        }
        var mounts = await Snapshotter.PrepareAsync("top", parent);
        using var lease = Mounter.MountTemporary(mounts, Dir.Path);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(i.ToString(), File.ReadAllText(Path.Join(lease.Directory, "f" + i)));
        }
    }

    [Fact]
    public async Task Stat_and_walk_report_kinds_and_parents()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "a"), "a"));
        await Snapshotter.PrepareAsync("work", "base", new Dictionary<string, string> { ["l"] = "v" });
        await Snapshotter.ViewAsync("look", "base");

        Assert.Equal(SnapshotKind.Committed, Snapshotter.Stat("base").Kind);
        SnapshotInfo work = Snapshotter.Stat("work");
        Assert.Equal(SnapshotKind.Active, work.Kind);
        Assert.Equal("base", work.Parent);
        Assert.Equal("v", work.Labels["l"]);
        Assert.Equal(SnapshotKind.View, Snapshotter.Stat("look").Kind);
        Assert.Equal(["base", "look", "work"], Snapshotter.Walk().Select(s => s.Key));
        Assert.Throws<SnapshotNotFoundException>(() => Snapshotter.Stat("nope"));
        Assert.Equal(Snapshotter.Mounts("work"), Snapshotter.Mounts("work"));
    }

    [Fact]
    public async Task Removing_a_parent_with_children_is_refused()
    {
        await CommitLayerAsync("base", null, _ => { });
        await Snapshotter.PrepareAsync("child", "base");
        var e = await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.RemoveAsync("base"));
        Assert.Contains("child", e.Message);

        await Snapshotter.RemoveAsync("child");
        await Snapshotter.RemoveAsync("base");
        Assert.Empty(Snapshotter.Walk());
        Assert.Empty(Directory.GetDirectories(Path.Join(Snapshotter.Root, "snapshots")));
    }

    [Fact]
    public async Task A_merge_stacks_a_scratch_snapshot_over_a_chain_and_later_steps_build_on_it()
    {
        await CommitLayerAsync("base", null, m =>
        {
            File.WriteAllText(Path.Join(m, "keep"), "base");
            File.WriteAllText(Path.Join(m, "replaced"), "base");
            Directory.CreateDirectory(Path.Join(m, "app/old"));
            File.WriteAllText(Path.Join(m, "app/old/f"), "old");
            File.CreateSymbolicLink(Path.Join(m, "link"), "/app");
        });
        await CommitLayerAsync("linked", null, m =>
        {
            File.WriteAllText(Path.Join(m, "replaced"), "linked");
            Directory.CreateDirectory(Path.Join(m, "app/new"));
            File.WriteAllText(Path.Join(m, "app/new/f"), "new");
            File.WriteAllBytes(Path.Join(m, "app/new/big"), new byte[64 * 1024]);
            Directory.CreateDirectory(Path.Join(m, "link"));
            File.WriteAllText(Path.Join(m, "link/inside"), "dir");
            Native.Posix.Chmod(Path.Join(m, "app"), 0x1C0); // 0700: the stacked directory's mode wins
        });

        var merged = await Snapshotter.MergeAsync("merged", ["base", "linked"], new Dictionary<string, string> { ["l"] = "v" });
        Assert.Equal("base", merged.Parent);
        Assert.Equal(SnapshotKind.Committed, merged.Kind);
        Assert.Equal("v", merged.Labels["l"]);
        Assert.True(Snapshotter.CommittedChainExists("merged"));
        var own = (await Snapshotter.UsageAsync("merged")).Size;
        var stacked = (await Snapshotter.UsageAsync("linked")).Size;
        if (MergesWithoutCopying)
            Assert.True(own < stacked, $"the merge holds {own} bytes of its own, the stacked snapshot {stacked}: it copied");
        else
            Assert.True(own >= stacked, $"a native merge is a full tree ({own} bytes, stacked {stacked})");

        await CommitLayerAsync("after", "merged", m => File.WriteAllText(Path.Join(m, "after"), "a"));
        string vm = Dir.Sub("merged-view");
        using (Mounter.MountAt(await Snapshotter.ViewAsync("v", "after"), vm))
        {
            Assert.Equal("base", File.ReadAllText(Path.Join(vm, "keep")));
            Assert.Equal("linked", File.ReadAllText(Path.Join(vm, "replaced")));
            Assert.Equal("old", File.ReadAllText(Path.Join(vm, "app/old/f")));
            Assert.Equal("new", File.ReadAllText(Path.Join(vm, "app/new/f")));
            Assert.Equal(0x1C0u, Native.Posix.LStat(Path.Join(vm, "app")).Permissions);
            Assert.False(Native.Posix.LStat(Path.Join(vm, "link")).IsSymlink); // a directory over a symlink replaces it
            Assert.Equal("dir", File.ReadAllText(Path.Join(vm, "link/inside")));
            Assert.Equal("a", File.ReadAllText(Path.Join(vm, "after")));
        }
        await Snapshotter.RemoveAsync("v");

        // what a merge stacks stays as long as the merge does
        var e = await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.RemoveAsync("linked"));
        Assert.Contains("merged", e.Message);
        await Snapshotter.RemoveAsync("after");
        await Snapshotter.RemoveAsync("merged");
        await Snapshotter.RemoveAsync("linked");
        await Snapshotter.RemoveAsync("base");
        Assert.Empty(Snapshotter.Walk());
    }

    [Fact]
    public async Task A_merge_survives_reopening_and_refuses_uncommitted_layers()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "b"), "b"));
        await CommitLayerAsync("top", null, m => File.WriteAllText(Path.Join(m, "t"), "t"));
        await Snapshotter.PrepareAsync("active", "base");
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.MergeAsync("bad", ["base", "active"]));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Snapshotter.MergeAsync("bad", ["base", "missing"]));
        Assert.DoesNotContain(Snapshotter.Walk(), s => s.Key != "base" && s.Key != "top" && s.Key != "active");
        await Snapshotter.MergeAsync("merged", ["base", "top"]);

        Snapshotter.Dispose();
        Snapshotter = Open();
        string vm = Dir.Sub("reopened");
        using (Mounter.MountAt(await Snapshotter.ViewAsync("v", "merged"), vm))
        {
            Assert.Equal("b", File.ReadAllText(Path.Join(vm, "b")));
            Assert.Equal("t", File.ReadAllText(Path.Join(vm, "t")));
        }
    }

    [Fact]
    public async Task Invalid_operations_are_refused()
    {
        await CommitLayerAsync("base", null, _ => { });
        await Snapshotter.PrepareAsync("a", "base");
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.PrepareAsync("a", "base"));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Snapshotter.PrepareAsync("b", "missing"));
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.PrepareAsync("c", "a")); // parent not committed
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.CommitAsync("base", "a")); // name taken
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.CommitAsync("x", "base")); // not active
        await Snapshotter.ViewAsync("v", "base");
        await Assert.ThrowsAsync<SnapshotException>(() => Snapshotter.CommitAsync("y", "v")); // views are never committed
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => Snapshotter.RemoveAsync("nothing"));
    }

    [Fact]
    public async Task Views_are_read_only()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "a"), "a"));
        var mounts = await Snapshotter.ViewAsync("v", "base");
        using var lease = Mounter.MountTemporary(mounts, Dir.Path);
        Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Join(lease.Directory, "b"), "b"));
        Assert.Equal("a", File.ReadAllText(Path.Join(lease.Directory, "a")));
    }

    [Fact]
    public async Task Usage_counts_the_snapshots_own_data()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllBytes(Path.Join(m, "big"), new byte[1 << 20]));
        var mounts = await Snapshotter.PrepareAsync("child", "base");
        SnapshotUsage before = await Snapshotter.UsageAsync("child");
        using (var lease = Mounter.MountTemporary(mounts, Dir.Path))
        {
            File.WriteAllBytes(Path.Join(lease.Directory, "more"), Enumerable.Repeat((byte)1, 2 << 20).ToArray());
        }
        SnapshotUsage after = await Snapshotter.UsageAsync("child");
        Assert.True(after.Size - before.Size >= 2 << 20, $"usage grew by {after.Size - before.Size}");
        Assert.True(after.Inodes > before.Inodes);
        SnapshotUsage baseUsage = await Snapshotter.UsageAsync("base");
        Assert.True(baseUsage.Size >= 1 << 20);
    }

    [Fact]
    public async Task A_view_of_a_committed_snapshot_has_no_directory_of_its_own()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "a"), "a"));
        string snapshots = Path.Join(Snapshotter.Root, "snapshots");
        var before = Directory.GetDirectories(snapshots);

        var mounts = await Snapshotter.ViewAsync("v", "base");
        Assert.Equal(before, Directory.GetDirectories(snapshots));
        using (var lease = Mounter.MountTemporary(mounts, Dir.Path))
            Assert.Equal("a", File.ReadAllText(Path.Join(lease.Directory, "a")));
        Assert.Equal(new SnapshotUsage(0, 0), await Snapshotter.UsageAsync("v"));
        Assert.Equal(SnapshotKind.View, Snapshotter.Stat("v").Kind);
        await Snapshotter.RemoveAsync("v");
        Assert.Equal(before, Directory.GetDirectories(snapshots));
        await Snapshotter.RemoveAsync("base"); // no child left behind
    }

    [Fact]
    public async Task A_new_instance_sees_committed_snapshots_and_drops_actives_of_dead_processes()
    {
        await CommitLayerAsync("base", null, m => File.WriteAllText(Path.Join(m, "a"), "a"));
        await Snapshotter.PrepareAsync("mine", "base");
        await Snapshotter.PrepareAsync("orphan", "base");
        await Snapshotter.ViewAsync("orphan-view", "base");
        MarkOwnerDead("orphan");
        MarkOwnerDead("orphan-view");
        Directory.CreateDirectory(Path.Join(Snapshotter.Root, "snapshots", "deadbeef00")); // a crash mid-remove
        Snapshotter.Dispose();

        Snapshotter = Open();
        Assert.Equal(["base", "mine"], Snapshotter.Walk().Select(s => s.Key));
        Assert.Equal(2, Directory.GetDirectories(Path.Join(Snapshotter.Root, "snapshots")).Length);
        var mounts = await Snapshotter.PrepareAsync("again", "base");
        using var lease = Mounter.MountTemporary(mounts, Dir.Path);
        Assert.Equal("a", File.ReadAllText(Path.Join(lease.Directory, "a")));
    }

    private void MarkOwnerDead(string key)
    {
        foreach (string f in Directory.GetFiles(Path.Join(Snapshotter.Root, "metadata"), "*.json"))
        {
            JsonNode node = JsonNode.Parse(File.ReadAllText(f))!;
            if ((string?)node["key"] == key)
            {
                node["ownerPid"] = int.MaxValue - 7;
                File.WriteAllText(f, node.ToJsonString());
                return;
            }
        }
        throw new InvalidOperationException("no record for " + key);
    }
}
