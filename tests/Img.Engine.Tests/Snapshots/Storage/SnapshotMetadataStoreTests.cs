using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Img.Engine.Snapshots;
using Img.Engine.Snapshots.Storage;
using Xunit;

namespace Img.Engine.Tests.Snapshots.Storage;

/// <summary>
/// The metadata store alone: records, parent chains, the lock and crash recovery, on plain files
/// (no mounts, no root). The snapshotter conformance suite checks it again through every backend.
/// </summary>
public sealed class SnapshotMetadataStoreTests : IDisposable
{
    private readonly TestDirectory _dir = new("img-meta");
    private readonly List<string> _deleted = [];

    public void Dispose() => _dir.Dispose();

    private SnapshotMetadataStore Open() => new(_dir.Path);

    private static string Create(SnapshotMetadataStore store, string key, string? parent = null, SnapshotKind kind = SnapshotKind.Active) =>
        store.Create(key, parent, kind, null, _ => false).Record.Id;

    private string Committed(SnapshotMetadataStore store, string name, string? parent = null)
    {
        var id = Create(store, name + "-active", parent);
        store.Commit(name, name + "-active", null);
        return id;
    }

    private string RecordFile(string key) =>
        Path.Join(_dir.Path, "metadata", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private void MarkOwnerDead(string key)
    {
        var node = JsonNode.Parse(File.ReadAllText(RecordFile(key)))!;
        node["ownerPid"] = int.MaxValue - 7;
        File.WriteAllText(RecordFile(key), node.ToJsonString());
    }

    [Fact]
    public void Commit_turns_the_active_record_into_a_committed_one_with_the_same_data_and_merged_labels()
    {
        var store = Open();
        var created = store.Create("a", null, SnapshotKind.Active, new Dictionary<string, string> { ["x"] = "1", ["y"] = "1" }, _ => false).Record;
        Assert.Equal(Environment.ProcessId, created.OwnerPid);

        var committed = store.Commit("c", "a", new Dictionary<string, string> { ["y"] = "2" });

        Assert.Equal(created.Id, committed.Id);
        Assert.Equal(SnapshotKind.Committed, store.Get("c").Kind);
        Assert.Equal(0, store.Get("c").OwnerPid);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }, store.Get("c").Labels);
        Assert.Null(store.TryGet("a"));
        Assert.False(File.Exists(RecordFile("a")));
        Assert.True(File.Exists(RecordFile("c")));
    }

    [Fact]
    public void Only_active_records_are_committed_and_existing_keys_are_refused()
    {
        var store = Open();
        Committed(store, "base");
        Create(store, "view", "base", SnapshotKind.View);
        Create(store, "work");

        Assert.Contains("not active (view)", Assert.Throws<SnapshotException>(() => store.Commit("x", "view", null)).Message);
        Assert.Contains("already exists", Assert.Throws<SnapshotException>(() => store.Commit("base", "work", null)).Message);
        Assert.Contains("already exists", Assert.Throws<SnapshotException>(() => Create(store, "work")).Message);
        Assert.Throws<SnapshotNotFoundException>(() => store.Commit("x", "missing", null));
        Assert.Throws<ArgumentException>(() => Create(store, ""));
    }

    [Fact]
    public void A_parent_must_exist_and_be_committed()
    {
        var store = Open();
        Create(store, "active");
        Assert.Contains("not a committed snapshot (active)", Assert.Throws<SnapshotException>(() => Create(store, "child", "active")).Message);
        Assert.Throws<SnapshotNotFoundException>(() => Create(store, "child", "missing"));
        Assert.Null(store.TryGet("child"));
    }

    [Fact]
    public void Parent_ids_list_the_chain_nearest_first()
    {
        var store = Open();
        var a = Committed(store, "a");
        var b = Committed(store, "b", "a");
        var c = Committed(store, "c", "b");
        var (record, parentIds) = store.Create("d", "c", SnapshotKind.Active, null, _ => false);

        Assert.Equal([c, b, a], parentIds);
        Assert.Equal([c, b, a], store.ParentIds("c"));
        Assert.Empty(store.ParentIds(null));
        Assert.DoesNotContain(record.Id, new[] { a, b, c });
    }

    [Fact]
    public void New_ids_avoid_the_ones_in_use()
    {
        var store = Open();
        var refused = new List<string>();
        var id = store.Create("k", null, SnapshotKind.Active, null, candidate =>
        {
            if (refused.Count >= 3)
                return false;
            refused.Add(candidate);
            return true;
        }).Record.Id;
        Assert.Equal(3, refused.Count);
        Assert.DoesNotContain(id, refused);
        Assert.Matches("^[0-9a-f]{10}$", id);
    }

    [Fact]
    public void A_committed_parent_is_removed_only_after_its_children()
    {
        var store = Open();
        var baseId = Committed(store, "base");
        Create(store, "child", "base");
        Create(store, "view", "base", SnapshotKind.View);

        Assert.Contains("it is the parent of child, view", Assert.Throws<SnapshotException>(() => store.Remove("base")).Message);
        store.Remove("child");
        store.Remove("view");
        Assert.Equal(baseId, store.Remove("base").Id);
        Assert.Empty(store.Walk());
        Assert.Throws<SnapshotNotFoundException>(() => store.Remove("base"));
    }

    [Fact]
    public void Walk_lists_every_record_by_key()
    {
        var store = Open();
        Committed(store, "b");
        Create(store, "c", "b");
        Create(store, "a");
        Assert.Equal(["a", "b", "c"], store.Walk().Select(r => r.Key));
        Assert.Equal(["a", "b", "c"], Open().Walk().Select(r => r.Key));
    }

    [Fact]
    public void A_committed_chain_is_checked_on_disk_not_in_memory()
    {
        var store = Open();
        Committed(store, "a");
        Committed(store, "b", "a");
        Assert.True(store.CommittedChainExists("b"));
        Assert.False(store.CommittedChainExists("missing"));
        Create(store, "active");
        Assert.False(store.CommittedChainExists("active"));

        // another process removes the bottom of the chain this store has in memory
        File.Delete(RecordFile("a"));
        Assert.False(store.CommittedChainExists("b"));
        Assert.Null(store.TryGet("a"));
    }

    [Fact]
    public void Discard_takes_back_a_create_and_its_data()
    {
        var store = Open();
        var id = Create(store, "k");
        store.Discard("k", id, _deleted.Add);
        Assert.Null(store.TryGet("k"));
        Assert.Equal([id], _deleted);
    }

    [Fact]
    public async Task Two_stores_on_one_root_never_both_create_a_key()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => Open()).ToArray();
        var attempts = stores.Select(s => Task.Run(() =>
        {
            try
            {
                Create(s, "same");
                return true;
            }
            catch (SnapshotException)
            {
                return false;
            }
        }));
        var won = await Task.WhenAll(attempts);
        Assert.Single(won, w => w);
        Assert.Single(Open().Walk());
    }

    [Fact]
    public void Recovery_removes_what_dead_processes_left_and_keeps_the_rest()
    {
        var store = Open();
        var baseId = Committed(store, "base");
        var mine = Create(store, "mine", "base");
        var orphan = Create(store, "orphan", "base");
        var orphanView = Create(store, "orphan-view", "base", SnapshotKind.View);
        MarkOwnerDead("orphan");
        MarkOwnerDead("orphan-view");
        // a crash between writing a committed record and deleting its active one
        var done = Create(store, "done-active");
        File.Copy(RecordFile("done-active"), RecordFile("done"));
        var doneNode = JsonNode.Parse(File.ReadAllText(RecordFile("done")))!;
        doneNode["key"] = "done";
        doneNode["kind"] = "Committed";
        File.WriteAllText(RecordFile("done"), doneNode.ToJsonString());
        // a record a power loss truncated, and a dead writer's temp file
        File.WriteAllText(RecordFile("torn"), "{\"key\": \"to");
        var staleTemp = RecordFile("x") + ".tmp" + (int.MaxValue - 7) + ".1";
        File.WriteAllText(staleTemp, "{");

        var reopened = Open();
        reopened.Recover(() => [baseId, mine, orphan, done, "deadbeef00"], _deleted.Add);

        Assert.Equal(["base", "done", "mine"], reopened.Walk().Select(r => r.Key));
        Assert.Equal(new[] { orphan, orphanView, "deadbeef00" }.Order(), _deleted.Distinct().Order());
        Assert.False(File.Exists(RecordFile("torn")));
        Assert.False(File.Exists(staleTemp));
        Assert.Equal(done, reopened.Get("done").Id);
    }

    private string Merged(SnapshotMetadataStore store, string name, string parent, params string[] stack)
    {
        var id = store.Create(name + "-active", parent, SnapshotKind.Active, null, _ => false, stack).Record.Id;
        store.Commit(name, name + "-active", null);
        return id;
    }

    [Fact]
    public void Parent_ids_below_a_merge_list_the_stacked_chains_top_first_between_it_and_its_parent()
    {
        var store = Open();
        var a = Committed(store, "a");
        var b = Committed(store, "b", "a");
        var l1 = Committed(store, "l1");
        var x = Committed(store, "x");
        var l2 = Committed(store, "l2", "x");

        var (active, ownParents) = store.Create("m-active", "b", SnapshotKind.Active, null, _ => false, ["l1", "l2"]);
        // the merge itself is made on its parent alone: the stack lies above that
        Assert.Equal([b, a], ownParents);
        var m = store.Commit("m", "m-active", null).Id;

        Assert.Equal(active.Id, m);
        Assert.Equal(["l1", "l2"], Open().Get("m").Stack!);
        Assert.Equal([m, l2, x, l1, b, a], store.ParentIds("m"));
        Assert.Equal([m, l2, x, l1, b, a], store.Create("child", "m", SnapshotKind.Active, null, _ => false).ParentIds);
    }

    [Fact]
    public void A_chain_stacked_twice_is_listed_twice_and_is_no_cycle()
    {
        var store = Open();
        var a = Committed(store, "a");
        var l = Committed(store, "l", "a");
        var m = Merged(store, "m", "a", "l", "l");
        Assert.Equal([m, l, a, l, a, a], store.ParentIds("m"));
    }

    [Fact]
    public void Only_committed_snapshots_are_stacked()
    {
        var store = Open();
        Committed(store, "base");
        Create(store, "work");

        Assert.Contains("work is not committed (active)", Assert.Throws<SnapshotException>(
            () => store.Create("m", "base", SnapshotKind.Active, null, _ => false, ["work"])).Message);
        Assert.Throws<SnapshotNotFoundException>(() => store.Create("m", "base", SnapshotKind.Active, null, _ => false, ["missing"]));
        Assert.Null(store.TryGet("m"));
    }

    [Fact]
    public void A_stacked_snapshot_is_removed_only_after_the_merge()
    {
        var store = Open();
        Committed(store, "base");
        Committed(store, "linked");
        Merged(store, "merged", "base", "linked");

        Assert.Contains("merged", Assert.Throws<SnapshotException>(() => store.Remove("linked")).Message);
        Assert.Contains("merged", Assert.Throws<SnapshotException>(() => store.Remove("base")).Message);
        store.Remove("merged");
        store.Remove("linked");
        store.Remove("base");
        Assert.Empty(store.Walk());
    }

    [Fact]
    public void A_merge_chain_exists_only_while_what_it_stacks_does()
    {
        var store = Open();
        Committed(store, "base");
        Committed(store, "bottom");
        Committed(store, "linked", "bottom");
        Merged(store, "merged", "base", "linked");
        Assert.True(store.CommittedChainExists("merged"));

        // another process removes the bottom of a stacked chain
        File.Delete(RecordFile("bottom"));
        Assert.False(store.CommittedChainExists("merged"));
    }

    [Fact]
    public void Records_without_a_stack_have_no_stack_field_and_read_as_before()
    {
        var store = Open();
        Committed(store, "base");
        Committed(store, "linked");
        Merged(store, "merged", "base", "linked");

        Assert.Null(JsonNode.Parse(File.ReadAllText(RecordFile("base")))!["stack"]);
        Assert.Equal("[\"linked\"]", JsonNode.Parse(File.ReadAllText(RecordFile("merged")))!["stack"]!.ToJsonString());
        Assert.Null(Open().Get("base").Stack);
    }

    [Fact]
    public void Recovery_removes_a_half_made_merge_and_frees_what_it_stacked()
    {
        var store = Open();
        var baseId = Committed(store, "base");
        var linked = Committed(store, "linked");
        // a process died between preparing the merge and committing it
        var half = store.Create("merge-1", "base", SnapshotKind.Active, null, _ => false, ["linked"]).Record.Id;
        MarkOwnerDead("merge-1");

        var reopened = Open();
        reopened.Recover(() => [baseId, linked, half], _deleted.Add);

        Assert.Equal([half], _deleted.Distinct());
        Assert.Equal(["base", "linked"], reopened.Walk().Select(r => r.Key));
        reopened.Remove("linked");
        reopened.Remove("base");
    }

    [Fact]
    public void Background_recovery_runs_before_any_read()
    {
        var store = Open();
        Create(store, "orphan");
        MarkOwnerDead("orphan");
        var reopened = Open();
        reopened.StartRecovery(() => [], _deleted.Add);
        Assert.Empty(reopened.Walk());
        Assert.Single(_deleted);
    }
}
