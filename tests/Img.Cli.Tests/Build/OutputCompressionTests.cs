using Img.Cli.CommandLine;
using Img.Cli.Commands.Build;
using Img.Engine.Diff;

namespace Img.Cli.Tests.Build;

/// <summary><c>-o ...,compression=...,compression-level=N,force-compression=true</c>: parsed per output, one per build.</summary>
public sealed class OutputCompressionTests
{
    [Theory]
    [InlineData("type=image,compression=zstd", OutputType.Image, LayerCompression.Zstd, null, false)]
    [InlineData("type=oci,dest=out.tar,compression=zstd,compression-level=12,force-compression=true", OutputType.Oci, LayerCompression.Zstd, 12, true)]
    [InlineData("type=docker,compression=gzip,compression-level=9", OutputType.Docker, LayerCompression.Gzip, 9, false)]
    [InlineData("type=registry,compression=uncompressed", OutputType.Registry, LayerCompression.None, null, false)]
    public void Each_output_carries_its_compression(string value, OutputType type, LayerCompression compression, int? level, bool force)
    {
        var spec = OutputSpec.Parse(value);
        Assert.Equal(type, spec.Type);
        Assert.Equal(new LayerCompressionOptions(compression, level, force), spec.Compression);
    }

    [Fact]
    public void Outputs_without_compression_leave_the_default()
    {
        Assert.Null(OutputSpec.Parse("type=image").Compression);
        Assert.Null(OutputCompression.Resolve([OutputSpec.Parse("type=image"), OutputSpec.Parse("type=local,dest=out")]));
    }

    [Theory]
    [InlineData("type=image,compression=brotli", "unsupported compression type brotli")]
    [InlineData("type=image,compression=gzip,compression-level=11", "compression-level=11 is out of range for gzip (0-9)")]
    [InlineData("type=image,compression-level=high", "non-integer value high specified for compression-level")]
    [InlineData("type=image,force-compression=maybe", "non-bool value maybe specified for force-compression")]
    public void Bad_values_are_flag_errors(string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => OutputSpec.Parse(value));
        Assert.Contains($"invalid argument \"{value}\" for \"-o, --output\" flag", e.Message);
        Assert.Contains(message, e.Message);
        Assert.Equal(125, e.ExitCode);
    }

    [Fact]
    public void Outputs_agreeing_or_silent_share_one_compression_and_disagreeing_ones_are_refused()
    {
        var zstd = new LayerCompressionOptions(LayerCompression.Zstd, 5);
        Assert.Equal(zstd, OutputCompression.Resolve([
            OutputSpec.Parse("type=image,compression=zstd,compression-level=5"),
            OutputSpec.Parse("type=oci,dest=a.tar,compression=zstd,compression-level=5"),
            OutputSpec.Parse("type=docker,dest=b.tar"),
        ]));
        Assert.Equal(LayerCompression.Zstd, OutputCompression.Resolve([
            OutputSpec.Parse("type=image,compression=zstd"),
            OutputSpec.Parse("type=oci,dest=a.tar,compression=zstd,compression-level=3"),
        ])!.Compression);
        var e = Assert.Throws<UsageException>(() => OutputCompression.Resolve([
            OutputSpec.Parse("type=image,compression=zstd"),
            OutputSpec.Parse("type=oci,dest=a.tar,compression=gzip"),
        ]));
        Assert.Contains("conflicting layer compression", e.Message);
    }
}
