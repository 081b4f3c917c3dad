using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Graphs;

namespace Img.Actors.Tests.Serialization;

/// <summary>The target of a multi-platform build travels in <c>StartBuild</c> like every other op.</summary>
public class ImageIndexCodecSpecs
{
    [Fact]
    public void IndexOpRoundTrips_WithItsPlatformsInOrder()
    {
        var builder = new BuildGraphBuilder();
        var arm = builder.Add(new ImageConfigOp(null, new ImageConfig { Architecture = "arm64", Os = "linux" }), new OpMetadata("exporting to image"));
        var v7 = builder.Add(new ImageConfigOp(null, new ImageConfig { Architecture = "arm", Os = "linux", Variant = "v7" }), new OpMetadata("exporting to image"));
        Platform[] platforms = [new() { Os = "linux", Architecture = "arm64" }, new() { Os = "linux", Architecture = "arm", Variant = "v7" }];
        var index = builder.Add(new ImageIndexOp([arm, v7], platforms), new OpMetadata("exporting to image"));
        var graph = builder.Build(index.Digest);

        var back = BuildGraphCodec.Decode(BuildGraphCodec.Encode(graph));

        Assert.Equal(graph.Target.Digest, back.Target.Digest);
        var op = Assert.IsType<ImageIndexOp>(back.Target.Op);
        Assert.Equal(["linux/arm64", "linux/arm/v7"], op.Platforms.Select(p => p.ToString()));
        Assert.Equal([arm, v7], op.Manifests);
    }

    [Fact]
    public void PlatformsArePartOfTheDigest()
    {
        var input = new OpInput(new ImageConfigOp(null, new ImageConfig()).ComputeDigest());
        var arm64 = new ImageIndexOp([input], [new Platform { Os = "linux", Architecture = "arm64" }]);
        var amd64 = new ImageIndexOp([input], [new Platform { Os = "linux", Architecture = "amd64" }]);
        Assert.NotEqual(arm64.ComputeDigest(), amd64.ComputeDigest());
    }
}
