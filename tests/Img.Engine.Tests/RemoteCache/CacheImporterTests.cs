using System.Text;
using System.Text.Json;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Inline;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Xunit;
using static Img.Engine.Tests.RemoteCache.CacheDescriptionTests;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>Reading a cache: artifacts, images with an inline cache, and what is wrong with them.</summary>
public sealed class CacheImporterTests
{
    private static (MemoryCacheBlobs Blobs, Descriptor Manifest, CacheDescription Description) Artifact(bool withImage = true)
    {
        var blobs = new MemoryCacheBlobs();
        var @base = Layer(ResultLayerKind.Base, "base");
        var run = Layer(ResultLayerKind.Step, "run");
        foreach (var layer in new[] { @base, run })
            blobs.Add(Encoding.UTF8.GetBytes("blob " + (layer == @base ? "base" : "run")), layer.Blob.MediaType);
        var config = blobs.Add("{}"u8.ToArray(), MediaTypes.OciConfig);
        var image = blobs.Add(ImageDocuments.Manifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [@base.Blob, run.Blob] }), MediaTypes.OciManifest);
        var builder = new CacheDescriptionBuilder()
            .Add(Key("from"), [], Lineage(@base))
            .Add(Key("run"), [Key("from")], Lineage(@base, run));
        if (withImage)
            builder.AddImage(Key("export"), [Key("run")], image);
        var description = builder.Build();
        var artifact = CacheArtifact.Of(description);
        blobs.Add(artifact.Config, CacheDescription.MediaTypeV1);
        var manifest = blobs.Add(artifact.Manifest, MediaTypes.OciManifest);
        return (blobs, manifest, description);
    }

    [Fact]
    public async Task An_artifact_imports_whole_when_every_blob_is_there()
    {
        var (blobs, manifest, description) = Artifact();
        var import = await CacheImporter.ImportAsync("registry:reg/cache", blobs, manifest, CancellationToken.None);
        Assert.Empty(import.Warnings);
        Assert.Equal(description.ToBytes(), import.Cache.Description.ToBytes());
        Assert.Equal(CacheDescription.MediaTypeV1, import.Cache.Blob.MediaType);
        Assert.Equal(0, blobs.Fetched);
    }

    [Fact]
    public async Task Records_whose_blobs_are_missing_are_dropped_with_a_warning_and_the_rest_kept()
    {
        var (blobs, manifest, _) = Artifact();
        var run = Layer(ResultLayerKind.Step, "run");
        blobs.Remove(run.Blob.Digest);
        var import = await CacheImporter.ImportAsync("registry:reg/cache", blobs, manifest, CancellationToken.None);
        Assert.Equal([Key("from")], import.Cache.Description.Records.Select(r => r.Key));
        var warning = Assert.Single(import.Warnings);
        Assert.Equal($"2 of 3 cache records are unusable (blob {run.Blob.Digest} is missing): their steps will run", warning);
    }

    [Fact]
    public async Task An_image_carrying_an_inline_cache_imports_with_its_export_record_naming_itself()
    {
        var blobs = new MemoryCacheBlobs();
        var @base = Layer(ResultLayerKind.Base, "base");
        blobs.Add(Encoding.UTF8.GetBytes("blob base"), @base.Blob.MediaType);
        var inline = new CacheDescriptionBuilder().Add(Key("from"), [], Lineage(@base)).AddImage(Key("export"), [Key("from")], null).Build();
        var config = blobs.Add(InlineCache.Embed(ImageDocuments.Config(new ImageConfig { Os = "linux", Architecture = "amd64" }), inline), MediaTypes.OciConfig);
        var manifest = blobs.Add(ImageDocuments.Manifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [@base.Blob] }), MediaTypes.OciManifest);

        var import = await CacheImporter.ImportAsync("registry:reg/app", blobs, manifest, CancellationToken.None);
        Assert.Empty(import.Warnings);
        Assert.Equal(config, import.Cache.Blob);
        var export = import.Cache.Description.Records.Single(r => r.Key == Key("export"));
        Assert.False(export.CarrierImage);
        Assert.Equal(manifest.Digest, export.Image!.Digest);
    }

    [Fact]
    public async Task An_image_without_an_inline_cache_is_no_cache()
    {
        var blobs = new MemoryCacheBlobs();
        var config = blobs.Add(ImageDocuments.Config(new ImageConfig { Os = "linux" }), MediaTypes.OciConfig);
        var manifest = blobs.Add(ImageDocuments.Manifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config }), MediaTypes.OciManifest);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => CacheImporter.ImportAsync("registry:reg/app", blobs, manifest, CancellationToken.None));
        Assert.Equal($"the image {manifest.Digest} carries no cache (build it with --cache-to type=inline)", e.Message);
    }

    [Fact]
    public async Task A_cache_of_another_version_is_refused_naming_both_versions()
    {
        var blobs = new MemoryCacheBlobs();
        var config = blobs.Add("""{"schemaVersion":2,"mediaType":"application/vnd.img.cache.config.v2+json"}"""u8.ToArray(), "application/vnd.img.cache.config.v2+json");
        var manifest = blobs.Add(ImageDocuments.Manifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config }), MediaTypes.OciManifest);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => CacheImporter.ImportAsync("registry:reg/c", blobs, manifest, CancellationToken.None));
        Assert.Contains("unsupported cache description: schemaVersion 2, mediaType \"application/vnd.img.cache.config.v2+json\"; this img reads schemaVersion 1", e.Message);
    }

    [Fact]
    public async Task Neither_a_cache_nor_an_image_is_refused()
    {
        var blobs = new MemoryCacheBlobs();
        var config = blobs.Add("{}"u8.ToArray(), "application/vnd.example.thing+json");
        var manifest = blobs.Add(ImageDocuments.Manifest(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config }), MediaTypes.OciManifest);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => CacheImporter.ImportAsync("registry:reg/c", blobs, manifest, CancellationToken.None));
        Assert.EndsWith("is neither an img cache nor an image (its config is a application/vnd.example.thing+json)", e.Message);
    }

    [Fact]
    public void An_inline_cache_is_a_field_of_the_config_in_its_sorted_shape_and_reads_back()
    {
        var config = ImageDocuments.Config(new ImageConfig { Os = "linux", Architecture = "amd64", Config = new ContainerConfig { Cmd = ["sh"] } });
        var description = Sample();
        var embedded = InlineCache.Embed(config, description);
        using var document = JsonDocument.Parse(embedded);
        Assert.Equal(["architecture", "config", "img.cache", "os", "rootfs"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(description.ToBytes(), InlineCache.Extract(embedded)!.ToBytes());
        Assert.Null(InlineCache.Extract(config));
        // embedding again replaces the field
        Assert.Equal(embedded, InlineCache.Embed(embedded, description));
        var broken = Encoding.UTF8.GetString(embedded).Replace("\"schemaVersion\":1", "\"schemaVersion\":7");
        Assert.Throws<InvalidDataException>(() => InlineCache.Extract(Encoding.UTF8.GetBytes(broken)));
    }
}
