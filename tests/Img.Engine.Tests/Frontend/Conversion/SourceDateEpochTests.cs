using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary>SOURCE_DATE_EPOCH: from the build arg, else the client's value; in the export vertex and WORKDIR's mkdir.</summary>
public class SourceDateEpochTests
{
    private const string Dockerfile = "FROM busybox\nWORKDIR /app\nRUN true\n";
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static ConversionResult WithArg(string value) =>
        Convert(Dockerfile, new ConvertOptions { BuildArgs = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = value } });

    private static ImageConfigOp Export(ConversionResult r) => Assert.IsType<ImageConfigOp>(r.Graph.Target.Op);

    private static FileMkdirAction Mkdir(ConversionResult r) => Ops<FileOp>(r).SelectMany(f => f.Actions).OfType<FileMkdirAction>().Single();

    [Fact]
    public void The_build_arg_sets_the_export_epoch_and_workdirs_created_time()
    {
        var r = WithArg("1700000000");
        Assert.Equal(Epoch, Export(r).SourceDateEpoch);
        Assert.Equal(Epoch, Mkdir(r).CreatedTime);
    }

    [Fact]
    public void The_client_value_applies_without_the_build_arg_and_the_build_arg_wins()
    {
        var client = Convert(Dockerfile, new ConvertOptions { SourceDateEpoch = Epoch });
        Assert.Equal(Epoch, Export(client).SourceDateEpoch);
        var both = Convert(Dockerfile, new ConvertOptions
        {
            SourceDateEpoch = Epoch,
            BuildArgs = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "5" },
        });
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(5), Export(both).SourceDateEpoch);
        var emptyArg = WithArg("");
        Assert.Null(Export(emptyArg).SourceDateEpoch);
        Assert.Null(Mkdir(emptyArg).CreatedTime);
    }

    [Fact]
    public void The_epoch_is_part_of_the_identity_and_absent_leaves_it_as_it_was()
    {
        var none = Convert(Dockerfile);
        Assert.Null(Export(none).SourceDateEpoch);
        Assert.Equal(Export(none).ComputeDigest(), (Export(none) with { SourceDateEpoch = null }).ComputeDigest());
        Assert.NotEqual(none.Graph.Target.Digest, WithArg("1700000000").Graph.Target.Digest);
        Assert.NotEqual(WithArg("1").Graph.Target.Digest, WithArg("2").Graph.Target.Digest);
        Assert.Equal(WithArg("1").Graph.Target.Digest, WithArg("1").Graph.Target.Digest);
        Assert.NotEqual(Described(none, "WORKDIR").Digest, Described(WithArg("1"), "WORKDIR").Digest);
    }

    [Fact]
    public void A_value_that_is_not_a_number_fails_like_buildkit()
    {
        var e = Assert.Throws<DockerfileException>(() => WithArg("yesterday"));
        Assert.Contains("invalid SOURCE_DATE_EPOCH: yesterday", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SourceDateEpoch.Parse("1.5"));
        Assert.Null(SourceDateEpoch.Parse(null));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(-1), SourceDateEpoch.Parse("-1"));
    }
}
