using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

public class ArgScopingTests
{
    private static ConvertOptions Args(params (string K, string V)[] args) =>
        new() { BuildArgs = args.ToDictionary(a => a.K, a => a.V) };

    private static SourceOp Image(ConversionResult r) => Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Image);

    [Fact]
    public void GlobalArgsExpandInFrom()
    {
        Assert.Equal("docker.io/library/alpine:3.19", Image(Convert("ARG V=3.19\nFROM alpine:${V}\n")).Identifier);
        Assert.Equal("docker.io/library/alpine:edge", Image(Convert("ARG V=3.19\nFROM alpine:${V}\n", Args(("V", "edge")))).Identifier);
    }

    [Fact]
    public void GlobalArgIsNotVisibleInStageUntilRedeclared()
    {
        var r = Convert("ARG V=1\nFROM scratch\nENV A=x$V\nARG V\nENV B=x$V\n");
        Assert.Contains("A=x", r.Image.Config.Env!);
        Assert.Contains("B=x1", r.Image.Config.Env!);
        Assert.Equal("ARG V=1", History(r)[1]);
    }

    [Fact]
    public void BuildArgOverridesDefaultsEverywhere()
    {
        var r = Convert("ARG V=1\nFROM scratch\nARG V\nARG W=2\nENV A=$V B=$W\n", Args(("V", "9"), ("W", "8")));
        Assert.Contains("A=9", r.Image.Config.Env!);
        Assert.Contains("B=8", r.Image.Config.Env!);
    }

    [Fact]
    public void UndeclaredBuildArgIsIgnored()
    {
        var r = Convert("FROM scratch\nENV A=x$NOPE\n", Args(("NOPE", "1")));
        Assert.Contains("A=x", r.Image.Config.Env!);
    }

    [Fact]
    public void ArgIsScopedToItsStage()
    {
        var r = Convert("FROM scratch AS a\nARG V=1\nFROM scratch\nENV A=x$V\n");
        Assert.Contains("A=x", r.Image.Config.Env!);
    }

    [Fact]
    public void ArgsAndEnvPropagateToChildStage()
    {
        var r = Convert("FROM alpine AS base\nARG V=1\nENV E=2\nFROM base\nRUN echo\n");
        var run = Ops<ExecOp>(r).Single();
        Assert.Contains("V=1", run.Env);
        Assert.Contains("E=2", run.Env);
        Assert.Contains("E=2", r.Image.Config.Env!);
        Assert.DoesNotContain(r.Image.Config.Env!, e => e.StartsWith("V="));
        Assert.Equal("RUN |1 V=1 /bin/sh -c echo # buildkit", History(r)[^1]);
    }

    [Fact]
    public void ArgValueReachesRunEnvAndHistoryButNotImage()
    {
        var r = Convert("FROM alpine\nARG A=b\nARG NOVAL\nRUN make\n");
        var run = Ops<ExecOp>(r).Single();
        Assert.Contains("A=b", run.Env);
        Assert.DoesNotContain(run.Env, e => e.StartsWith("NOVAL"));
        Assert.Equal("RUN |2 A=b NOVAL= /bin/sh -c make # buildkit", History(r)[^1]);
        Assert.DoesNotContain(r.Image.Config.Env!, e => e.StartsWith("A="));
    }

    [Fact]
    public void RunIsNotExpandedByTheFrontend()
    {
        var r = Convert("FROM alpine\nENV X=1\nRUN echo $X\n");
        Assert.Equal(["/bin/sh", "-c", "echo $X"], Ops<ExecOp>(r).Single().Args);
        Assert.Equal("[2/2] RUN echo 1", Described(r, "RUN").Metadata.Description);
    }

    [Fact]
    public void BuiltinArgs()
    {
        var options = new ConvertOptions
        {
            TargetPlatform = new Platform { Os = "linux", Architecture = "arm", Variant = "v7" },
            BuildPlatform = new Platform { Os = "linux", Architecture = "amd64" },
        };
        var r = Convert("FROM --platform=$BUILDPLATFORM scratch AS b\nARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT\nENV T=$TARGETPLATFORM/$TARGETOS/$TARGETARCH/$TARGETVARIANT B=$BUILDPLATFORM/$BUILDOS/$BUILDARCH/$BUILDVARIANT\n", options);
        Assert.Contains("T=linux/arm/v7/linux/arm/v7", r.Image.Config.Env!);
        Assert.Contains("B=linux/amd64/linux/amd64/", r.Image.Config.Env!);
        var notDeclared = Convert("FROM scratch\nENV T=x$TARGETARCH\n");
        Assert.Contains("T=x", notDeclared.Image.Config.Env!);
    }

    [Fact]
    public void PlatformFlagExpandsGlobals()
    {
        var r = Convert("FROM --platform=$BUILDPLATFORM alpine\n", new ConvertOptions { BuildPlatform = new Platform { Os = "linux", Architecture = "arm64" } });
        Assert.Equal("linux/arm64", Image(r).Platform!.ToString());
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM --platform=$BULIDPLATFORM alpine\n"));
        Assert.Equal("Dockerfile:1: empty platform value from expression $BULIDPLATFORM (did you mean BUILDPLATFORM?)", e.Message);
    }

    [Fact]
    public void BlankBaseName()
    {
        var e = Assert.Throws<DockerfileException>(() => Convert("ARG IMG\nFROM $IMG\n"));
        Assert.Equal("Dockerfile:2: base name ($IMG) should not be blank", e.Message);
    }

    [Fact]
    public void ExpansionErrorsCarryTheLine()
    {
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM scratch\nENV A=1\nWORKDIR ${NOPE:?is required}\n"));
        Assert.StartsWith("Dockerfile:3: failed to process \"${NOPE:?is required}\"", e.Message);
    }
}
