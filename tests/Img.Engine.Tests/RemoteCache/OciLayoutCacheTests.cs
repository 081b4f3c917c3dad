using System.Text;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Local;
using Img.Engine.Transfer;
using Xunit;
using static Img.Engine.Tests.RemoteCache.CacheDescriptionTests;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>type=local caches: an OCI layout directory written atomically, read back, and kept from growing.</summary>
public sealed class OciLayoutCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "img-layout-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A description over real blobs (a layer each), with the blobs in memory.</summary>
    private static (CacheDescription Description, MemoryCacheBlobs Blobs) Cache(params string[] steps)
    {
        var blobs = new MemoryCacheBlobs();
        var layers = new List<ResultLayer>();
        var builder = new CacheDescriptionBuilder();
        foreach (var step in steps)
        {
            var bytes = Encoding.UTF8.GetBytes(step + new string('x', 4096));
            var blob = blobs.Add(bytes, MediaTypes.OciLayerGzip);
            layers.Add(new ResultLayer(ResultLayerKind.Step, blob, Digest.Compute(Encoding.UTF8.GetBytes("tar " + step)).ToString(), "RUN " + step, Created));
            builder.Add(Key(step), [], Lineage([.. layers]));
        }
        return (builder.Build(), blobs);
    }

    private string Blobs => Path.Join(_dir, "blobs", "sha256");

    [Fact]
    public async Task A_written_cache_resolves_by_tag_and_imports_whole()
    {
        var (description, blobs) = Cache("a", "b");
        var manifest = await OciLayoutCache.WriteAsync(_dir, "latest", description, blobs, null, CancellationToken.None);
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", await File.ReadAllTextAsync(Path.Join(_dir, "oci-layout")));
        Assert.Contains("\"org.opencontainers.image.ref.name\":\"latest\"", await File.ReadAllTextAsync(Path.Join(_dir, "index.json")));
        Assert.Equal(manifest, (await OciLayoutCache.ResolveAsync(_dir, "latest", CancellationToken.None)) with { Annotations = null });

        var source = new OciLayoutBlobSource(_dir);
        var import = await CacheImporter.ImportAsync(CacheLocation.ForDirectory(_dir).ToString(), source, manifest, CancellationToken.None);
        Assert.Empty(import.Warnings);
        Assert.Equal(description.ToBytes(), import.Cache.Description.ToBytes());

        // a blob is fetched verified into a content store
        var store = new LocalContentStore(Path.Join(_dir + "-store"));
        try
        {
            await source.FetchAsync(description.Layers[0].Blob, store, CancellationToken.None);
            Assert.True(await store.ExistsAsync(description.Layers[0].Blob));
        }
        finally
        {
            Directory.Delete(_dir + "-store", recursive: true);
        }
    }

    [Fact]
    public async Task A_tag_that_is_not_there_or_a_directory_that_is_no_cache_is_refused_clearly()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => OciLayoutCache.ResolveAsync(_dir, "latest", CancellationToken.None));
        Assert.Equal($"{_dir} is not a cache directory: it has no index.json", e.Message);
        var (description, blobs) = Cache("a");
        await OciLayoutCache.WriteAsync(_dir, "v1", description, blobs, null, CancellationToken.None);
        e = await Assert.ThrowsAsync<InvalidDataException>(() => OciLayoutCache.ResolveAsync(_dir, "latest", CancellationToken.None));
        Assert.Equal($"{_dir}: index.json has no cache tagged \"latest\"", e.Message);
    }

    [Fact]
    public async Task A_new_export_replaces_the_tag_keeps_other_tags_and_deletes_what_nothing_reaches()
    {
        var (first, firstBlobs) = Cache("a", "b");
        await OciLayoutCache.WriteAsync(_dir, "latest", first, firstBlobs, null, CancellationToken.None);
        var (other, otherBlobs) = Cache("o");
        await OciLayoutCache.WriteAsync(_dir, "other", other, otherBlobs, null, CancellationToken.None);
        var (second, secondBlobs) = Cache("a", "c");
        await OciLayoutCache.WriteAsync(_dir, "latest", second, secondBlobs, null, CancellationToken.None);

        var present = Directory.EnumerateFiles(Blobs).Select(Path.GetFileName).ToHashSet();
        foreach (var layer in second.Layers.Concat(other.Layers))
            Assert.Contains(Digest.Parse(layer.Blob.Digest).Hex, present);
        var onlyFirst = first.Layers.Single(l => l.Description == "RUN b").Blob;
        Assert.DoesNotContain(Digest.Parse(onlyFirst.Digest).Hex, present);
        Assert.NotNull(await OciLayoutCache.ResolveAsync(_dir, "other", CancellationToken.None));
    }

    [Fact]
    public async Task An_export_killed_mid_blob_leaves_the_previous_cache_readable_and_the_next_export_cleans_up()
    {
        var (first, firstBlobs) = Cache("a");
        var before = await OciLayoutCache.WriteAsync(_dir, "latest", first, firstBlobs, null, CancellationToken.None);
        var index = await File.ReadAllBytesAsync(Path.Join(_dir, "index.json"));

        var (second, secondBlobs) = Cache("a", "big");
        secondBlobs.FailAfter = 1000;
        await Assert.ThrowsAsync<IOException>(() => OciLayoutCache.WriteAsync(_dir, "latest", second, secondBlobs, null, CancellationToken.None));
        Assert.Equal(index, await File.ReadAllBytesAsync(Path.Join(_dir, "index.json")));
        var import = await CacheImporter.ImportAsync(CacheLocation.ForDirectory(_dir).ToString(), new OciLayoutBlobSource(_dir), before, CancellationToken.None);
        Assert.Empty(import.Warnings);
        Assert.Equal(first.ToBytes(), import.Cache.Description.ToBytes());
        Assert.DoesNotContain(Directory.EnumerateFiles(Blobs), f => Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal));

        // a SIGKILL leaves its temporary file: the next export removes it
        await File.WriteAllTextAsync(Path.Join(Blobs, ".tmp-killed"), "partial");
        secondBlobs.FailAfter = null;
        await OciLayoutCache.WriteAsync(_dir, "latest", second, secondBlobs, null, CancellationToken.None);
        Assert.False(File.Exists(Path.Join(Blobs, ".tmp-killed")));
        Assert.Equal(second.ToBytes(), (await CacheImporter.ImportAsync(CacheLocation.ForDirectory(_dir).ToString(), new OciLayoutBlobSource(_dir),
            await OciLayoutCache.ResolveAsync(_dir, "latest", CancellationToken.None), CancellationToken.None)).Cache.Description.ToBytes());
    }

    [Fact]
    public async Task A_blob_whose_bytes_are_not_its_digest_is_never_written()
    {
        var (description, blobs) = Cache("a");
        var lying = new LyingBlobs(blobs);
        await Assert.ThrowsAsync<InvalidDataException>(() => OciLayoutCache.WriteAsync(_dir, "latest", description, lying, null, CancellationToken.None));
        Assert.False(File.Exists(Path.Join(_dir, "index.json")));
        Assert.Empty(Directory.EnumerateFiles(Blobs));
    }

    private sealed class LyingBlobs(MemoryCacheBlobs inner) : ICacheExportSource
    {
        public async Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct)
        {
            var bytes = new MemoryStream();
            await (await inner.OpenAsync(blob, ct)).CopyToAsync(bytes, ct);
            bytes.GetBuffer()[0] ^= 1;
            bytes.Position = 0;
            return bytes;
        }

        public string? MountSource(Descriptor blob, string registry) => null;
    }
}
