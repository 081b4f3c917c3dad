using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Graphs;

namespace Img.Actors.Tests.Serialization;

/// <summary>The export op's layer compression travels with the graph and is part of its digest only when given.</summary>
public class ExportCompressionCodecSpecs
{
    private static BuildGraph Export(LayerCompressionOptions? compression)
    {
        var b = new BuildGraphBuilder();
        var image = b.Add(new SourceOp(SourceKind.Image, "busybox@sha256:" + new string('3', 64)), new OpMetadata("image"));
        var export = b.Add(new ImageConfigOp(image, new ImageConfig { Os = "linux", Architecture = "amd64" }) { Compression = compression }, new OpMetadata("export"));
        return b.Build(export.Digest);
    }

    [Theory]
    [InlineData(LayerCompression.Zstd, 19, true)]
    [InlineData(LayerCompression.Gzip, null, false)]
    [InlineData(LayerCompression.None, null, true)]
    public void CompressionRoundTrips(LayerCompression compression, int? level, bool force)
    {
        var options = new LayerCompressionOptions(compression, level, force);
        var back = BuildGraphCodec.Decode(BuildGraphCodec.Encode(Export(options)));
        Assert.Equal(options, Assert.IsType<ImageConfigOp>(back.Target.Op).Compression);
    }

    [Fact]
    public void CompressionChangesTheExportDigestOnlyWhenGiven()
    {
        var none = Export(null);
        Assert.Null(Assert.IsType<ImageConfigOp>(BuildGraphCodec.Decode(BuildGraphCodec.Encode(none)).Target.Op).Compression);
        var digests = new[]
        {
            none.Target.Digest,
            Export(new LayerCompressionOptions()).Target.Digest,
            Export(new LayerCompressionOptions(LayerCompression.Zstd)).Target.Digest,
            Export(new LayerCompressionOptions(LayerCompression.Zstd, 3)).Target.Digest,
            Export(new LayerCompressionOptions(LayerCompression.Zstd, Force: true)).Target.Digest,
        };
        Assert.Equal(digests.Length, digests.Distinct().Count());
    }
}
