using Xunit;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary>
/// <c>--platform linux/amd64,linux/arm64</c>: one conversion per platform (BuildKit's dockerui
/// <c>Build</c>), joined under an <see cref="ImageIndexOp"/>; progress names prefixed by platform.
/// </summary>
public sealed class MultiPlatformConversionTests
{
    private static readonly Platform Arm64 = PlatformSpec.Parse("linux/arm64");

    private static ConversionResult Convert(string dockerfile, params Platform[] platforms)
    {
        var options = new ConvertOptions { BuildPlatform = ConvertHelper.Amd64, ImageResolver = ConvertHelper.DefaultResolver() };
        return MultiPlatformConverter.ConvertAsync(dockerfile, options, platforms, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public void TargetIsAnIndexOfOneExportPerPlatform_InTheOrderGiven()
    {
        var r = Convert("FROM busybox\nARG TARGETARCH\nRUN echo $TARGETARCH > /arch\n", Arm64, ConvertHelper.Amd64);

        var index = Assert.IsType<ImageIndexOp>(r.Graph.Target.Op);
        Assert.Equal(["linux/arm64", "linux/amd64"], index.Platforms.Select(PlatformSpec.Format));
        Assert.Equal("exporting to image", r.Graph.Target.Metadata.Description);
        var exports = index.Manifests.Select(m => Assert.IsType<ImageConfigOp>(r.Graph[m.Digest].Op)).ToArray();
        Assert.Equal(["arm64", "amd64"], exports.Select(e => e.Config.Architecture));
        var runs = ConvertHelper.Ops<ExecOp>(r).ToArray();
        Assert.Equal(2, runs.Length);
        Assert.Contains(runs, x => x.Env.Contains("TARGETARCH=arm64"));
        Assert.Contains(runs, x => x.Env.Contains("TARGETARCH=amd64"));
    }

    [Fact]
    public void ProgressNamesStartWithThePlatform_AsBuildKit()
    {
        var r = Convert("FROM busybox\nRUN true\n", ConvertHelper.Amd64, Arm64);
        var names = r.Graph.Vertices.Select(v => v.Metadata.Description).ToArray();
        Assert.Contains("[linux/amd64 1/2] FROM docker.io/library/busybox:latest", names);
        Assert.Contains("[linux/arm64 1/2] FROM docker.io/library/busybox:latest", names);
        Assert.Contains("[linux/arm64 2/2] RUN true", names);
    }

    [Fact]
    public void BuildPlatformStage_IsOneVertexForEveryPlatform_AndNamesTheCrossTarget()
    {
        const string dockerfile = """
            FROM --platform=$BUILDPLATFORM busybox AS build
            RUN echo compiler > /cc
            ARG TARGETARCH
            RUN echo $TARGETARCH > /out
            FROM busybox
            COPY --from=build /out /out
            """;
        var r = Convert(dockerfile, ConvertHelper.Amd64, Arm64);
        var names = r.Graph.Vertices.Select(v => v.Metadata.Description).ToArray();

        // before TARGETARCH is read, the build stage is the same in both platforms: one vertex
        Assert.Single(r.Graph.Vertices, v => v.Op is ExecOp e && e.Args.Contains("echo compiler > /cc"));
        Assert.Contains("[linux/amd64->arm64 build 3/3] RUN echo arm64 > /out", names);
        Assert.Contains("[linux/amd64 build 3/3] RUN echo amd64 > /out", names);
        var sources = ConvertHelper.Ops<SourceOp>(r).Where(s => s.SourceKind == SourceKind.Image).Select(s => PlatformSpec.Format(s.Platform!)).ToArray();
        Assert.Equal(2, sources.Length); // busybox for amd64 (both the build stage and the amd64 image) and for arm64
        Assert.Contains("linux/arm64", sources);
    }

    [Fact]
    public void SinglePlatformNamesHaveNoPrefix()
    {
        var r = ConvertHelper.Convert("FROM busybox\nRUN true\n", new ConvertOptions { TargetPlatform = Arm64 });
        Assert.Contains(r.Graph.Vertices, v => v.Metadata.Description == "[2/2] RUN true");
        Assert.IsType<ImageConfigOp>(r.Graph.Target.Op);
    }

    [Fact]
    public void EachRunStepRunsForItsStagesBasePlatform_ThroughCopiesAndEarlierSteps()
    {
        const string dockerfile = """
            FROM --platform=$BUILDPLATFORM busybox AS build
            ARG TARGETARCH
            RUN echo $TARGETARCH > /out
            FROM busybox
            COPY --from=build /out /out
            RUN cat /out
            """;
        var r = Convert(dockerfile, ConvertHelper.Amd64, Arm64);

        var platforms = r.Graph.Vertices.Where(v => v.Op is ExecOp)
            .ToDictionary(v => v.Metadata.Description, v => ExecutionPlatform.Of(r.Graph, v.Digest) is { } p ? PlatformSpec.Format(p) : "");
        Assert.Equal("linux/amd64", platforms.Single(kv => kv.Key.StartsWith("[linux/amd64->arm64 build", StringComparison.Ordinal)).Value);
        Assert.Equal("linux/arm64", platforms.Single(kv => kv.Key.StartsWith("[linux/arm64 ", StringComparison.Ordinal) && kv.Key.EndsWith("RUN cat /out", StringComparison.Ordinal)).Value);
        Assert.Equal("linux/amd64", platforms.Single(kv => kv.Key.StartsWith("[linux/amd64 ", StringComparison.Ordinal) && kv.Key.EndsWith("RUN cat /out", StringComparison.Ordinal)).Value);
        Assert.All(r.Graph.Vertices.Where(v => v.Op is not ExecOp), v => Assert.Null(ExecutionPlatform.Of(r.Graph, v.Digest)));
        var scratch = Convert("FROM scratch\nRUN true\n", Arm64);
        Assert.Null(ExecutionPlatform.Of(scratch.Graph, scratch.Graph.Vertices.Single(v => v.Op is ExecOp).Digest));
    }
}
