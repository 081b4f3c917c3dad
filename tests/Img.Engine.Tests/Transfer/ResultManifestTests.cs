using System.Text;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Sources;
using Xunit;

namespace Img.Engine.Tests.Transfer;

/// <summary>The result manifest's format and the snapshot names a consumer derives from it (no root needed).</summary>
public sealed class ResultManifestTests
{
    private static readonly DateTimeOffset Created = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2));

    private static ResultLayer Layer(ResultLayerKind kind, string content, string description = "RUN x") => new(
        kind,
        new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(Encoding.UTF8.GetBytes("blob " + content)).ToString(), Size = 10 },
        Digest.Compute(Encoding.UTF8.GetBytes("tar " + content)).ToString(),
        kind == ResultLayerKind.Base ? "" : description,
        Created);

    private static ResultManifest Manifest(params ResultLayer[] layers) =>
        new() { LayerFormat = ResultLayerFormat.Of(new ImageExportOptions()), Layers = layers };

    [Fact]
    public void A_manifest_reads_back_as_written_and_its_bytes_are_stable()
    {
        var manifest = Manifest(Layer(ResultLayerKind.Base, "a"), Layer(ResultLayerKind.Step, "b") with { BaseManifest = Digest.Compute("m"u8).ToString() });
        var bytes = manifest.ToBytes();
        var read = ResultManifest.Parse(bytes);
        Assert.Equal(bytes, read.ToBytes());
        Assert.Equal(manifest.Layers[1].BaseManifest, read.Layers[1].BaseManifest);
        Assert.Equal(Created, read.Layers[0].Created);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("""{"schemaVersion":1,"mediaType":"application/vnd.img.result.v1+json","layerFormat":{"format":"v3","compression":"gzip","level":2},"layers":[{"kind":"base",""", text);
        Assert.Contains("\"created\":\"2024-05-06T05:08:09.123+00:00\"", text);
        Assert.Contains("\"kind\":\"step\"", text);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.img.result.v2+json","whatever":true}""", "schemaVersion 2")]
    [InlineData("""{"schemaVersion":1,"mediaType":"application/vnd.img.result.v9+json"}""", "application/vnd.img.result.v9+json")]
    [InlineData("""{"mediaType":"application/vnd.img.result.v1+json"}""", "schemaVersion missing")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"schemaVersion":1,""", "invalid result manifest")]
    public void Another_version_or_no_manifest_at_all_is_refused_clearly(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ResultManifest.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("\"kind\":\"base\"", "\"kind\":\"merge\"", "invalid result manifest")]
    [InlineData("\"diffID\":\"sha256:", "\"diffID\":\"md5:", "diffID")]
    [InlineData("\"size\":10", "\"size\":-1", "negative")]
    public void A_malformed_layer_is_refused(string from, string to, string expected)
    {
        var text = Encoding.UTF8.GetString(Manifest(Layer(ResultLayerKind.Base, "a")).ToBytes());
        Assert.Contains(from, text);
        var e = Assert.Throws<InvalidDataException>(() => ResultManifest.Parse(Encoding.UTF8.GetBytes(text.Replace(from, to))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Base_layers_at_the_bottom_are_named_by_their_chain_ids()
    {
        var manifest = Manifest(Layer(ResultLayerKind.Base, "a"), Layer(ResultLayerKind.Base, "b"));
        var chain = ChainId.Of(manifest.Layers.Select(l => Digest.Parse(l.DiffId)).ToArray());
        Assert.Equal(chain.Select(c => c.ToString()), ResultSnapshotNames.Of(manifest));
    }

    [Fact]
    public void Step_layers_and_everything_above_them_get_transfer_names_that_depend_on_their_history()
    {
        var a = Manifest(Layer(ResultLayerKind.Base, "a"), Layer(ResultLayerKind.Step, "s"), Layer(ResultLayerKind.Base, "b"));
        var names = ResultSnapshotNames.Of(a);
        Assert.Equal(ChainId.Next(null, Digest.Parse(a.Layers[0].DiffId)).ToString(), names[0]);
        Assert.All(names.Skip(1), n => Assert.StartsWith("transfer-", n));
        // the same content with another history is another snapshot (an export's history differs)
        var b = Manifest(a.Layers[0], a.Layers[1] with { Description = "RUN y" }, a.Layers[2]);
        Assert.NotEqual(names[1], ResultSnapshotNames.Of(b)[1]);
        Assert.NotEqual(names[2], ResultSnapshotNames.Of(b)[2]);
        // and the same everything is the same snapshot
        Assert.Equal(names, ResultSnapshotNames.Of(ResultManifest.Parse(a.ToBytes())));
    }

    [Fact]
    public void The_layer_format_maps_back_to_the_export_settings_only_for_this_imgs_blob_format()
    {
        var format = ResultLayerFormat.Of(new ImageExportOptions());
        var options = format.ToExportOptions();
        Assert.NotNull(options);
        Assert.Equal((Diff.LayerCompression.Gzip, 2), (options.Compression.Compression, options.Compression.EffectiveLevel));
        Assert.Null((format with { Format = "v0" }).ToExportOptions());
        Assert.Null((format with { Compression = "brotli" }).ToExportOptions());
    }
}
