using Img.Engine.Diff;
using Img.Engine.Oci;
using Xunit;

namespace Img.Engine.Tests.Snapshots.Diff;

/// <summary>BuildKit's exporter attributes compression, compression-level and force-compression.</summary>
public sealed class LayerCompressionOptionsTests
{
    [Theory]
    [InlineData("compression=zstd", LayerCompression.Zstd, null, false)]
    [InlineData("compression=gzip,compression-level=9", LayerCompression.Gzip, 9, false)]
    [InlineData("compression=uncompressed,force-compression=true", LayerCompression.None, null, true)]
    [InlineData("compression=zstd,compression-level=19,force-compression=1", LayerCompression.Zstd, 19, true)]
    [InlineData("force-compression=", LayerCompression.Gzip, null, true)]
    [InlineData("compression-level=0", LayerCompression.Gzip, 0, false)]
    [InlineData("compression=zstd,force-compression=False", LayerCompression.Zstd, null, false)]
    public void Reads_the_attributes(string attributes, LayerCompression compression, int? level, bool force) =>
        Assert.Equal(new LayerCompressionOptions(compression, level, force), LayerCompressionOptions.FromAttributes(Parse(attributes)));

    [Fact]
    public void Other_attributes_alone_mean_not_said() =>
        Assert.Null(LayerCompressionOptions.FromAttributes(Parse("type=image,name=x")));

    [Theory]
    [InlineData("compression=lz4", "unsupported compression type lz4")]
    [InlineData("compression=estargz", "estargz is not supported")]
    [InlineData("compression-level=fast", "non-integer value fast specified for compression-level")]
    [InlineData("compression=gzip,compression-level=10", "compression-level=10 is out of range for gzip (0-9)")]
    [InlineData("compression=zstd,compression-level=23", "compression-level=23 is out of range for zstd (0-22)")]
    [InlineData("compression=zstd,compression-level=-1", "out of range for zstd")]
    [InlineData("force-compression=yes", "non-bool value yes specified for force-compression")]
    public void Refuses_bad_values(string attributes, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => LayerCompressionOptions.FromAttributes(Parse(attributes))).Message);

    [Fact]
    public void Defaults_and_media_types()
    {
        Assert.Equal(LayerCompressionOptions.DefaultGzipLevel, LayerCompressionOptions.Default.EffectiveLevel);
        Assert.Equal(3, new LayerCompressionOptions(LayerCompression.Zstd).EffectiveLevel);
        Assert.Equal(MediaTypes.OciLayerZstd, new LayerCompressionOptions(LayerCompression.Zstd).MediaType);
        Assert.Equal(LayerCompression.Gzip, LayerCompressionOptions.CompressionOf(MediaTypes.DockerLayerGzip));
        Assert.Equal(LayerCompression.None, LayerCompressionOptions.CompressionOf(MediaTypes.DockerLayer));
        Assert.Equal(LayerCompression.Zstd, LayerCompressionOptions.CompressionOf("application/vnd.docker.image.rootfs.diff.tar.zstd"));
        Assert.Null(LayerCompressionOptions.CompressionOf(MediaTypes.DockerForeignLayerGzip));
    }

    private static Dictionary<string, string> Parse(string attributes) =>
        attributes.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
