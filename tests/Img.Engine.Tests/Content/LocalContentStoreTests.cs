using System.Text;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Oci;
using Xunit;

namespace Img.Engine.Tests.Content;

public sealed class LocalContentStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("img-content-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Descriptor Describe(byte[] data) =>
        new() { MediaType = "application/octet-stream", Digest = Digest.Compute(data).ToString(), Size = data.Length };

    private string[] IngestFiles(LocalContentStore store) => Directory.GetFiles(store.IngestDirectory);

    [Fact]
    public async Task Write_then_read_round_trips()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("hello blob");
        var info = await store.WriteBlobAsync(data);
        Assert.Equal(Digest.Compute(data), info.Digest);
        Assert.Equal(data.Length, info.Size);
        Assert.True(File.Exists(Path.Combine(_root, "blobs", "sha256", info.Digest.Hex)));
        Assert.Equal(data, await store.ReadAllBytesAsync(Describe(data)));

        await using var reader = await store.OpenAsync(Describe(data));
        var part = new byte[4];
        Assert.Equal(4, await reader.ReadAtAsync(part, 6));
        Assert.Equal("blob", Encoding.UTF8.GetString(part));
        Assert.Equal(data.Length, reader.Size);
        Assert.Empty(IngestFiles(store));
    }

    [Fact]
    public async Task Digest_mismatch_stores_nothing_and_names_both_digests()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("actual");
        var expected = Digest.Compute(Encoding.UTF8.GetBytes("expected"));
        var e = await Assert.ThrowsAsync<ContentVerificationException>(
            async () => await store.WriteBlobAsync(new MemoryStream(data), expected));
        Assert.Contains(expected.ToString(), e.Message);
        Assert.Contains(Digest.Compute(data).ToString(), e.Message);
        Assert.Empty(Directory.GetFiles(store.BlobsDirectory));
        Assert.Empty(IngestFiles(store));
        Assert.False(await store.ExistsAsync(expected));
        Assert.False(await store.ExistsAsync(Digest.Compute(data)));
    }

    [Fact]
    public async Task Size_mismatch_stores_nothing()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("abc");
        var e = await Assert.ThrowsAsync<ContentVerificationException>(
            async () => await store.WriteBlobAsync(new MemoryStream(data), Digest.Compute(data), 4));
        Assert.Contains("expected 4 bytes, got 3", e.Message);
        Assert.Empty(Directory.GetFiles(store.BlobsDirectory));
        Assert.Empty(IngestFiles(store));
    }

    [Fact]
    public async Task Partial_ingest_is_invisible_until_commit()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("partial then whole");
        var descriptor = Describe(data);
        await using var writer = await store.OpenWriterAsync();
        await writer.Stream.WriteAsync(data.AsMemory(0, 7));
        Assert.Equal(7, writer.BytesWritten);

        Assert.False(await store.ExistsAsync(Digest.Compute(data)));
        Assert.False(await store.ExistsAsync(Digest.Compute(data.AsSpan(0, 7))));
        Assert.Empty(await ToListAsync(store.ListAsync()));
        await Assert.ThrowsAsync<ContentNotFoundException>(async () => await store.OpenAsync(descriptor));
        Assert.Single(IngestFiles(store));

        await writer.Stream.WriteAsync(data.AsMemory(7));
        var info = await writer.CommitAsync(Digest.Compute(data), data.Length);
        Assert.Equal(descriptor.Digest, info.Digest.ToString());
        Assert.Single(await ToListAsync(store.ListAsync()));
        Assert.Empty(IngestFiles(store));
    }

    [Fact]
    public async Task Aborted_writer_leaves_nothing()
    {
        var store = new LocalContentStore(_root);
        await using (var writer = await store.OpenWriterAsync())
        {
            await writer.Stream.WriteAsync(new byte[100]);
        }
        Assert.Empty(IngestFiles(store));
        Assert.Empty(Directory.GetFiles(store.BlobsDirectory));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_blob_all_succeed()
    {
        var store = new LocalContentStore(_root);
        var data = new byte[256 * 1024];
        new Random(42).NextBytes(data);
        var digest = Digest.Compute(data);
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var writer = await store.OpenWriterAsync();
            for (var offset = 0; offset < data.Length; offset += 4096)
            {
                await writer.Stream.WriteAsync(data.AsMemory(offset, 4096));
                await Task.Yield();
            }
            return await writer.CommitAsync(digest, data.Length);
        })).ToArray();
        var infos = await Task.WhenAll(tasks);
        Assert.All(infos, i => Assert.Equal(digest, i.Digest));
        Assert.Single(Directory.GetFiles(store.BlobsDirectory));
        Assert.Empty(IngestFiles(store));
        Assert.Equal(data, await store.ReadAllBytesAsync(Describe(data)));
    }

    [Fact]
    public async Task Readers_keep_reading_while_the_same_blob_is_recommitted()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("stable content");
        await store.WriteBlobAsync(data);
        await using var reader = await store.OpenAsync(Describe(data));
        await store.WriteBlobAsync(data);
        var buffer = new byte[data.Length];
        await reader.Stream.ReadExactlyAsync(buffer);
        Assert.Equal(data, buffer);
    }

    [Fact]
    public async Task Open_checks_the_descriptor_size()
    {
        var store = new LocalContentStore(_root);
        var data = Encoding.UTF8.GetBytes("sized");
        await store.WriteBlobAsync(data);
        var wrong = Describe(data) with { Size = 99 };
        var e = await Assert.ThrowsAsync<ContentVerificationException>(async () => await store.OpenAsync(wrong));
        Assert.Contains("expected 99 bytes, got 5", e.Message);
    }

    [Fact]
    public async Task Info_list_and_delete()
    {
        var store = new LocalContentStore(_root);
        var a = await store.WriteBlobAsync(Encoding.UTF8.GetBytes("a"));
        var b = await store.WriteBlobAsync(Encoding.UTF8.GetBytes("bb"));
        File.WriteAllText(Path.Combine(store.BlobsDirectory, "not-a-digest"), "x");
        var listed = (await ToListAsync(store.ListAsync())).OrderBy(i => i.Size).ToList();
        Assert.Equal([a.Digest, b.Digest], listed.Select(i => i.Digest));
        Assert.Equal(2, (await store.InfoAsync(b.Digest))!.Size);
        Assert.True(await store.DeleteAsync(a.Digest));
        Assert.False(await store.DeleteAsync(a.Digest));
        Assert.Null(await store.InfoAsync(a.Digest));
        Assert.True(await store.ExistsAsync(b.Digest));
    }

    [Fact]
    public async Task Stale_temp_files_are_removed_on_open_but_live_ones_are_kept()
    {
        var store = new LocalContentStore(_root);
        // A temp left by a killed process: not locked, old.
        var stale = Path.Combine(store.IngestDirectory, "dead" + LocalContentStore.TempSuffix);
        await File.WriteAllTextAsync(stale, "half a blob");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        // A live writer whose temp is also old (a slow download): locked, so kept.
        await using var live = await store.OpenWriterAsync();
        await live.Stream.WriteAsync(new byte[10]);
        await live.Stream.FlushAsync();
        var liveTemp = IngestFiles(store).Single(f => f != stale);
        File.SetLastWriteTimeUtc(liveTemp, DateTime.UtcNow.AddHours(-1));
        // A recent unlocked temp (between a writer's close and rename): kept.
        var recent = Path.Combine(store.IngestDirectory, "recent" + LocalContentStore.TempSuffix);
        await File.WriteAllTextAsync(recent, "x");

        _ = new LocalContentStore(_root);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(liveTemp));
        Assert.True(File.Exists(recent));
        var info = await live.CommitAsync(null, 10);
        Assert.Equal(10, info.Size);
    }

    [Fact]
    public async Task Invalid_descriptor_digest_is_refused()
    {
        var store = new LocalContentStore(_root);
        await Assert.ThrowsAsync<InvalidDigestException>(async () =>
            await store.OpenAsync(new Descriptor { Digest = "sha512:abcd", Size = 1 }));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
