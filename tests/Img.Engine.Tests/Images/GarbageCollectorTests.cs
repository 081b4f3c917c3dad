using System.Text;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.Oci;
using Xunit;

namespace Img.Engine.Tests.Images;

public sealed class GarbageCollectorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("img-gc-").FullName;
    private readonly LocalContentStore _content;
    private readonly LocalImageStore _images;

    public GarbageCollectorTests()
    {
        _content = new LocalContentStore(Path.Combine(_root, "content"));
        _images = new LocalImageStore(Path.Combine(_root, "images"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<HashSet<string>> StoredAsync()
    {
        var set = new HashSet<string>();
        await foreach (var i in _content.ListAsync()) set.Add(i.Digest.ToString());
        return set;
    }

    [Fact]
    public async Task Keeps_everything_reachable_and_frees_the_rest()
    {
        var manifest = await ImageFixture.ManifestAsync(_content, "{\"a\":1}", "layer-1", "shared-layer");
        await _images.PutAsync(new Image { Name = "docker.io/library/app:1", Target = manifest });
        var orphanManifest = await ImageFixture.ManifestAsync(_content, "{\"b\":2}", "orphan-layer", "shared-layer");
        var loose = await ImageFixture.BlobAsync(_content, "application/octet-stream", Encoding.UTF8.GetBytes("loose"));
        var before = await StoredAsync();
        Assert.Equal(8, before.Count);

        var gc = new GarbageCollector(_content, _images);
        var dry = await gc.CollectAsync(dryRun: true);
        Assert.True(dry.DryRun);
        Assert.Equal(4, dry.Removed.Count); // orphan manifest, its config, orphan-layer, loose
        Assert.Equal(before, await StoredAsync());

        var result = await gc.CollectAsync();
        Assert.Equal(4, result.Removed.Count);
        Assert.Equal(4, result.KeptCount);
        Assert.Contains(result.Removed, r => r.Digest.ToString() == orphanManifest.Digest);
        Assert.Contains(result.Removed, r => r.Digest.ToString() == loose.Digest);
        Assert.Equal(result.Removed.Sum(r => r.Size), result.BytesFreed);
        Assert.Equal("orphan-layer".Length + orphanManifest.Size + "loose".Length + "{\"b\":2}".Length,
            result.BytesFreed);

        var after = await StoredAsync();
        Assert.Contains(manifest.Digest, after);
        Assert.Equal(4, after.Count);
        Assert.Contains(Digest.Compute(Encoding.UTF8.GetBytes("shared-layer")).ToString(), after);
        Assert.NotNull(await _content.ReadAllBytesAsync(manifest));
    }

    [Fact]
    public async Task Index_keeps_its_manifests_and_tolerates_missing_platforms()
    {
        var amd = await ImageFixture.ManifestAsync(_content, "{\"arch\":\"amd64\"}", "amd-layer");
        var missing = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(new byte[] { 1 }).ToString(), Size = 1 };
        var index = await ImageFixture.IndexAsync(_content,
            (amd, new Platform { Os = "linux", Architecture = "amd64" }),
            (missing, new Platform { Os = "linux", Architecture = "arm64" }));
        await _images.PutAsync(new Image { Name = "docker.io/library/multi:latest", Target = index });
        var result = await new GarbageCollector(_content, _images).CollectAsync();
        Assert.Empty(result.Removed);
        Assert.Equal(4, result.KeptCount);
    }

    [Fact]
    public async Task Extra_roots_are_kept_even_without_media_type()
    {
        var cached = await ImageFixture.ManifestAsync(_content, "{\"c\":3}", "cache-layer");
        var layerOnly = await ImageFixture.BlobAsync(_content, MediaTypes.OciLayer, Encoding.UTF8.GetBytes("layer root"));
        var gc = new GarbageCollector(_content, _images);
        var result = await gc.CollectAsync([cached with { MediaType = "" }, layerOnly]);
        Assert.Empty(result.Removed);
        Assert.Equal(4, result.KeptCount);

        var nothingKept = await gc.CollectAsync();
        Assert.Equal(4, nothingKept.Removed.Count);
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task Deleting_an_image_then_collecting_frees_its_unique_blobs_only()
    {
        var a = await ImageFixture.ManifestAsync(_content, "{\"a\":1}", "base", "a-only");
        var b = await ImageFixture.ManifestAsync(_content, "{\"b\":1}", "base", "b-only");
        await _images.PutAsync(new Image { Name = "docker.io/library/a:1", Target = a });
        await _images.PutAsync(new Image { Name = "docker.io/library/b:1", Target = b });
        await _images.DeleteAsync("docker.io/library/a:1");
        var result = await new GarbageCollector(_content, _images).CollectAsync();
        Assert.Equal(3, result.Removed.Count); // a's manifest, config and a-only
        var kept = await StoredAsync();
        Assert.Contains(Digest.Compute(Encoding.UTF8.GetBytes("base")).ToString(), kept);
        Assert.DoesNotContain(Digest.Compute(Encoding.UTF8.GetBytes("a-only")).ToString(), kept);
    }

    [Fact]
    public async Task Image_size_sums_config_and_layers()
    {
        var amd = await ImageFixture.ManifestAsync(_content, "{\"x\":1}", "aaaa", "bbbbbb");
        var arm = await ImageFixture.ManifestAsync(_content, "{\"y\":22}", "aaaa", "cc");
        Assert.Equal(7 + 4 + 6, await ImageSize.ComputeAsync(_content, amd));
        var index = await ImageFixture.IndexAsync(_content,
            (amd, new Platform { Os = "linux", Architecture = "amd64" }),
            (arm, new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" }));
        Assert.Equal(8 + 4 + 2, await ImageSize.ComputeAsync(_content, index, new Platform { Os = "linux", Architecture = "arm64" }));
        // Without a platform: distinct blobs of all present manifests (the shared layer once).
        Assert.Equal(7 + 4 + 6 + 8 + 2, await ImageSize.ComputeAsync(_content, index));
    }
}
