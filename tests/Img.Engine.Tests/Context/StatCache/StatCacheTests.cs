using Img.Engine.Context;
using Xunit;

namespace Img.Engine.Tests.Context.StatCache;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatCacheTests : IDisposable
{
    private readonly ContextFixture _f = new();

    public StatCacheTests()
    {
        for (int i = 0; i < 10; i++) _f.Write($"dir{i % 3}/f{i}.txt", new string((char)('a' + i), 100 + i));
    }

    public void Dispose() => _f.Dispose();

    private async Task<(string Digest, long Reads)> RunAsync(bool persist = true, TimeSpan? racy = null)
    {
        using var context = _f.Open(persist, racy);
        var digest = await context.ChecksumAsync(".");
        return (digest.ToString(), context.ContentReads);
    }

    [Fact]
    public async Task A_new_instance_reads_nothing_when_nothing_changed()
    {
        var cold = await RunAsync();
        Assert.Equal(10, cold.Reads);

        var warm = await RunAsync();
        Assert.Equal(cold.Digest, warm.Digest);
        Assert.Equal(0, warm.Reads);
        Assert.Single(Directory.GetFiles(_f.StatCacheDirectory, "*.stat"));
    }

    [Fact]
    public async Task Without_persistence_every_instance_reads_again()
    {
        Assert.Equal(10, (await RunAsync(persist: false)).Reads);
        Assert.Equal(10, (await RunAsync(persist: false)).Reads);
        Assert.False(Directory.Exists(_f.StatCacheDirectory));
    }

    [Fact]
    public async Task Touch_rereads_only_that_file_and_keeps_the_checksum()
    {
        var cold = await RunAsync();
        File.SetLastWriteTimeUtc(_f.PathOf("dir1/f4.txt"), DateTime.UtcNow.AddMinutes(-5));

        var touched = await RunAsync();
        Assert.Equal(cold.Digest, touched.Digest);
        Assert.Equal(1, touched.Reads);

        Assert.Equal(0, (await RunAsync()).Reads);
    }

    [Fact]
    public async Task Chmod_rereads_that_file_through_ctime()
    {
        await RunAsync();
        string file = _f.PathOf("dir0/f0.txt");
        File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.UserExecute);
        var changed = await RunAsync();
        Assert.Equal(1, changed.Reads);
    }

    [Fact]
    public async Task Replaced_file_is_reread_through_its_inode()
    {
        var cold = await RunAsync();
        string file = _f.PathOf("dir2/f2.txt");
        string temp = _f.PathOf("replacement");
        File.Copy(file, temp);
        File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(file));
        File.Move(temp, file, overwrite: true);

        var replaced = await RunAsync();
        Assert.Equal(cold.Digest, replaced.Digest);
        Assert.Equal(1, replaced.Reads);
    }

    [Fact]
    public async Task Content_change_rereads_and_changes_the_checksum()
    {
        var cold = await RunAsync();
        File.AppendAllText(_f.PathOf("dir0/f3.txt"), "!");
        var changed = await RunAsync();
        Assert.NotEqual(cold.Digest, changed.Digest);
        Assert.Equal(1, changed.Reads);
    }

    [Fact]
    public async Task Deleted_and_new_files_are_handled()
    {
        var cold = await RunAsync();
        File.Delete(_f.PathOf("dir0/f0.txt"));
        _f.Write("dir0/new.txt", "new");
        var changed = await RunAsync();
        Assert.NotEqual(cold.Digest, changed.Digest);
        Assert.Equal(1, changed.Reads);
        Assert.Equal(0, (await RunAsync()).Reads);
    }

    [Fact]
    public async Task Recently_written_files_are_not_trusted_yet()
    {
        _f.Write("fresh.txt", "fresh");
        var first = await RunAsync(racy: TimeSpan.FromHours(1));
        Assert.Equal(11, first.Reads);
        // Nothing was old enough to remember.
        Assert.Equal(11, (await RunAsync(racy: TimeSpan.FromHours(1))).Reads);
        Assert.Equal(11, (await RunAsync()).Reads);
        Assert.Equal(0, (await RunAsync()).Reads);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("empty")]
    public async Task Corrupt_cache_file_is_ignored_and_rebuilt(string damage)
    {
        var cold = await RunAsync();
        string file = Directory.GetFiles(_f.StatCacheDirectory, "*.stat").Single();
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "garbage":
                File.WriteAllText(file, "not a stat cache at all, but long enough to look like one maybe");
                break;
            case "truncate":
                File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
                break;
            case "flip":
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(file, bytes);
                break;
            default:
                File.WriteAllBytes(file, []);
                break;
        }

        var rebuilt = await RunAsync();
        Assert.Equal(cold.Digest, rebuilt.Digest);
        Assert.Equal(10, rebuilt.Reads);
        Assert.Equal(0, (await RunAsync()).Reads);
        Assert.Empty(Directory.GetFiles(_f.StatCacheDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Partial_checksums_keep_entries_of_files_they_did_not_visit()
    {
        await RunAsync();
        File.AppendAllText(_f.PathOf("dir0/f0.txt"), "!");
        using (var context = _f.Open())
        {
            await context.ChecksumAsync("dir0");
            Assert.Equal(1, context.ContentReads);
        }
        Assert.Equal(0, (await RunAsync()).Reads);
    }

    [Fact]
    public async Task Concurrent_checksums_on_one_instance_agree_with_sequential_ones()
    {
        string[] sources = ["dir0", "dir1", "dir2", ".", "dir0/f0.txt", "dir1/f1.txt"];
        var expected = new Dictionary<string, string>();
        using (var sequential = _f.Open(persist: false))
        {
            foreach (var s in sources) expected[s] = (await sequential.ChecksumAsync(s)).ToString();
        }

        using var shared = _f.Open();
        var tasks = Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var s = sources[i % sources.Length];
            return (s, (await shared.ChecksumAsync(s)).ToString());
        }));
        foreach (var (source, digest) in await Task.WhenAll(tasks))
        {
            Assert.Equal(expected[source], digest);
        }
        Assert.Equal(10, shared.ContentReads);
    }

    [Fact]
    public async Task Concurrent_instances_on_one_state_directory_are_safe()
    {
        var expected = (await RunAsync(persist: false)).Digest;
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => RunAsync())));
        Assert.All(runs, r => Assert.Equal(expected, r.Digest));
        Assert.Equal(0, (await RunAsync()).Reads);
        Assert.Empty(Directory.GetFiles(_f.StatCacheDirectory, "*.tmp"));
    }

    [Fact]
    public async Task Refresh_sees_changes_and_reuses_the_cache()
    {
        using var context = _f.Open();
        var before = await context.ChecksumAsync(".");
        File.AppendAllText(_f.PathOf("dir2/f5.txt"), "!");
        Assert.Equal(before, await context.ChecksumAsync(".")); // the snapshot of this build
        context.Refresh();
        Assert.NotEqual(before, await context.ChecksumAsync("."));
        Assert.Equal(11, context.ContentReads);
    }

    [Fact]
    public async Task Each_context_root_has_its_own_cache_file()
    {
        await RunAsync();
        using var other = new ContextFixture();
        other.Write("f", "f");
        using (var context = new BuildContext(other.Root, null, Img.Engine.Context.Ignore.ContextFilter.Load(other.Root, null), _f.StatCacheDirectory))
        {
            await context.ChecksumAsync(".");
        }
        Assert.Equal(2, Directory.GetFiles(_f.StatCacheDirectory, "*.stat").Length);
        Assert.Equal(0, (await RunAsync()).Reads);
    }
}
