using System.Text;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Xunit;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>The cache description's format, its validation and the lineages it gives nodes (no root needed).</summary>
public sealed class CacheDescriptionTests
{
    internal static readonly DateTimeOffset Created = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2));
    internal static readonly ResultLayerFormat Gzip = ResultLayerFormat.Of(new ImageExportOptions());

    internal static string Key(string name) => Digest.Compute(Encoding.UTF8.GetBytes("key " + name)).ToString();

    internal static ResultLayer Layer(ResultLayerKind kind, string content, string description = "RUN x") => new(
        kind,
        new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(Encoding.UTF8.GetBytes("blob " + content)).ToString(), Size = 10 },
        Digest.Compute(Encoding.UTF8.GetBytes("tar " + content)).ToString(),
        kind == ResultLayerKind.Base ? "" : description,
        Created);

    internal static ResultManifest Lineage(params ResultLayer[] layers) => new() { LayerFormat = Gzip, Layers = layers };

    internal static CacheDescription Sample()
    {
        var @base = Layer(ResultLayerKind.Base, "base");
        var run = Layer(ResultLayerKind.Step, "run", "RUN make");
        var image = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("image"u8).ToString(), Size = 500 };
        return new CacheDescriptionBuilder()
            .Add(Key("from"), [], Lineage(@base))
            .Add(Key("run"), [Key("from")], Lineage(@base, run))
            .AddImage(Key("export"), [Key("run")], image)
            .Build();
    }

    [Fact]
    public void A_description_reads_back_as_written_and_its_bytes_are_stable()
    {
        var description = Sample();
        var bytes = description.ToBytes();
        var read = CacheDescription.Parse(bytes);
        Assert.Equal(bytes, read.ToBytes());
        Assert.Equal(2, read.Layers.Count);
        Assert.Equal([0, 1], read.Records[1].Chain);
        Assert.Equal([Key("from")], read.Records[1].Inputs);
        Assert.True(read.Records[2].IsImage);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("""{"schemaVersion":1,"mediaType":"application/vnd.img.cache.config.v1+json","layers":[{"kind":"base",""", text);
        Assert.Contains("\"created\":\"2024-05-06T05:08:09.123+00:00\"", text);
        Assert.Contains("""{"kind":"step",""", text);
        Assert.Contains("\"format\":{\"format\":\"v3\",\"compression\":\"gzip\",\"level\":2}", text);
        Assert.DoesNotContain("carrierImage", text);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.img.cache.config.v2+json","whatever":true}""", "schemaVersion 2")]
    [InlineData("""{"schemaVersion":1,"mediaType":"application/vnd.img.cache.config.v9+json"}""", "application/vnd.img.cache.config.v9+json")]
    [InlineData("""{"mediaType":"application/vnd.img.cache.config.v1+json"}""", "schemaVersion missing")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"schemaVersion":1,""", "invalid cache description")]
    public void Another_version_or_no_description_at_all_is_refused_clearly(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => CacheDescription.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("\"chain\":[0,1]", "\"chain\":[0,7]", "names layer 7, of 2")]
    [InlineData("\"chain\":[0,1]", "\"chain\":[0,-1]", "names layer -1")]
    [InlineData("\"diffID\":\"sha256:", "\"diffID\":\"md5:", "diffID")]
    [InlineData("\"size\":10", "\"size\":-1", "negative")]
    [InlineData("\"kind\":\"step\"", "\"kind\":\"merge\"", "invalid cache description")]
    [InlineData("\"inputs\":[]", "\"inputs\":[\"nope\"]", "input that is not a sha256 key")]
    [InlineData("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.layer.v1.tar", "not an image manifest")]
    public void A_malformed_description_is_refused(string from, string to, string expected)
    {
        var text = Encoding.UTF8.GetString(Sample().ToBytes());
        Assert.Contains(from, text);
        var e = Assert.Throws<InvalidDataException>(() => CacheDescription.Parse(Encoding.UTF8.GetBytes(text.Replace(from, to))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_key_recorded_twice_is_refused()
    {
        var text = Encoding.UTF8.GetString(Sample().ToBytes()).Replace(Key("run"), Key("from"));
        var e = Assert.Throws<InvalidDataException>(() => CacheDescription.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Contains("is recorded twice", e.Message);
    }

    [Fact]
    public void A_record_lineage_is_its_chain_with_the_format_its_step_layers_share()
    {
        var description = Sample();
        var lineage = description.LineageOf(description.Records[1]);
        Assert.Equal(Gzip, lineage.LayerFormat);
        Assert.Equal(["", "RUN make"], lineage.Layers.Select(l => l.Description));
        Assert.Equal([ResultLayerKind.Base, ResultLayerKind.Step], lineage.Layers.Select(l => l.Kind));
        // a valid result manifest: a node fetches exactly this
        Assert.Equal(lineage.ToBytes(), ResultManifest.Parse(lineage.ToBytes()).ToBytes());
    }

    [Fact]
    public void Step_layers_of_different_writers_give_a_lineage_nobody_records_as_an_export()
    {
        var zstd = ResultLayerFormat.Of(new ImageExportOptions { Compression = new Diff.LayerCompressionOptions(Diff.LayerCompression.Zstd, null) });
        var a = Layer(ResultLayerKind.Step, "a");
        var b = Layer(ResultLayerKind.Step, "b");
        var description = new CacheDescriptionBuilder()
            .Add(Key("a"), [], [CacheLayer.From(a, Gzip), CacheLayer.From(b, zstd)])
            .Build();
        var lineage = description.LineageOf(description.Records[0]);
        Assert.Equal(CacheDescription.Unknown, lineage.LayerFormat);
        Assert.Null(lineage.LayerFormat.ToExportOptions());
    }

    [Fact]
    public void Filtering_keeps_only_the_layers_the_kept_records_use()
    {
        var description = Sample();
        var kept = description.Where(r => r.Key == Key("from"));
        Assert.Single(kept.Records);
        Assert.Single(kept.Layers);
        Assert.Equal(ResultLayerKind.Base, kept.Layers[0].Kind);
        Assert.Equal(kept.ToBytes(), CacheDescription.Parse(kept.ToBytes()).ToBytes());
    }

    [Fact]
    public void The_builder_lists_each_layer_once_and_keeps_the_first_record_of_a_key()
    {
        var shared = Layer(ResultLayerKind.Base, "base");
        var description = new CacheDescriptionBuilder()
            .Add(Key("a"), [], Lineage(shared))
            .Add(Key("b"), [], Lineage(shared, Layer(ResultLayerKind.Step, "b")))
            .Add(Key("a"), [], Lineage(Layer(ResultLayerKind.Step, "other")))
            .Build();
        Assert.Equal(2, description.Layers.Count);
        Assert.Equal([Key("a"), Key("b")], description.Records.Select(r => r.Key));
        Assert.Equal([0], description.Records[0].Chain);
        Assert.Equal([0, 1], description.Records[1].Chain);
        // the same layer with another creation time in another zone is the same entry
        var again = new CacheDescriptionBuilder()
            .Add(Key("a"), [], Lineage(shared))
            .Add(Key("b"), [], Lineage(shared with { Created = shared.Created.ToOffset(TimeSpan.FromHours(-5)) }))
            .Build();
        Assert.Single(again.Layers);
    }

    [Fact]
    public void The_artifact_is_an_oci_manifest_whose_config_is_the_description_and_whose_layers_are_its_blobs()
    {
        var description = Sample();
        var artifact = CacheArtifact.Of(description);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<ImageManifest>(artifact.Manifest)!;
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(CacheDescription.MediaTypeV1, manifest.Config.MediaType);
        Assert.Equal(Digest.Compute(description.ToBytes()).ToString(), manifest.Config.Digest);
        Assert.Equal(description.Layers.Select(l => l.Blob.Digest), manifest.Layers.Select(l => l.Digest));
        Assert.Equal(Digest.Compute(artifact.Manifest).ToString(), artifact.ManifestDescriptor.Digest);
        Assert.Single(CacheArtifact.Images(description));
    }
}
