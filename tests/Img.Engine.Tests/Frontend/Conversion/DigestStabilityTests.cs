using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

public class DigestStabilityTests
{
    private const string Dockerfile = """
        FROM alpine AS a
        RUN build-a
        FROM busybox AS b
        RUN build-b
        FROM scratch
        COPY --from=a /out /a
        COPY --from=b /out /b
        LABEL v=1
        """;

    private static string[] Digests(ConversionResult r) => r.Graph.Vertices.Select(v => v.Digest.Value).ToArray();

    [Fact]
    public void SameDockerfileSameDigests()
    {
        Assert.Equal(Digests(Convert(Dockerfile)), Digests(Convert(Dockerfile)));
        Assert.Equal(GraphPrinter.ToText(Convert(Dockerfile).Graph), GraphPrinter.ToText(Convert(Dockerfile).Graph));
    }

    [Fact]
    public void ChangingARunChangesItAndItsDependentsOnly()
    {
        var before = Convert(Dockerfile);
        var after = Convert(Dockerfile.Replace("build-a", "build-a2"));
        Assert.NotEqual(Described(before, "RUN build-a").Digest, Described(after, "RUN build-a2").Digest);
        Assert.Equal(Described(before, "RUN build-b").Digest, Described(after, "RUN build-b").Digest);
        Assert.Equal(Described(before, "FROM docker.io/library/alpine").Digest, Described(after, "FROM docker.io/library/alpine").Digest);
        Assert.NotEqual(Described(before, "COPY --from=a").Digest, Described(after, "COPY --from=a").Digest);
        Assert.NotEqual(before.Graph.Target.Digest, after.Graph.Target.Digest);
    }

    [Fact]
    public void ConfigOnlyChangesChangeOnlyTheExportVertex()
    {
        var before = Convert(Dockerfile);
        var after = Convert(Dockerfile.Replace("LABEL v=1", "LABEL v=2"));
        Assert.NotEqual(before.Graph.Target.Digest, after.Graph.Target.Digest);
        Assert.Equal(Digests(before)[..^1], Digests(after)[..^1]);
    }

    [Fact]
    public void MetadataDoesNotChangeDigests()
    {
        var plain = Convert(Dockerfile);
        var noCache = Convert(Dockerfile, new ConvertOptions { NoCache = true });
        Assert.All(noCache.Graph.Vertices.Where(v => v.Op is ExecOp), v => Assert.True(v.Metadata.IgnoreCache));
        Assert.Equal(Digests(plain), Digests(noCache));
        // step numbers shift when a stage gains an ENV, the RUN definition does not
        var renumbered = Convert(Dockerfile.Replace("FROM busybox AS b\n", "FROM busybox AS b\nWORKDIR /\n"));
        Assert.Equal(Described(plain, "RUN build-b").Digest, Described(renumbered, "RUN build-b").Digest);
        Assert.NotEqual(Described(plain, "RUN build-b").Metadata.Description, Described(renumbered, "RUN build-b").Metadata.Description);
    }

    [Fact]
    public void DockerfileNameAndLinesDoNotChangeDigests()
    {
        var a = Convert(Dockerfile, new ConvertOptions { DockerfileName = "a/Dockerfile" });
        var b = Convert("# comment\n\n" + Dockerfile, new ConvertOptions { DockerfileName = "b/Dockerfile" });
        Assert.Equal(Digests(a), Digests(b));
    }

    [Fact]
    public void BuildArgChangesOnlyWhatUsesIt()
    {
        const string df = "FROM alpine AS a\nARG V=1\nRUN use\nFROM alpine AS b\nRUN other\nFROM scratch\nCOPY --from=a / /a\nCOPY --from=b / /b\n";
        var one = Convert(df);
        var two = Convert(df, new ConvertOptions { BuildArgs = new Dictionary<string, string> { ["V"] = "2" } });
        Assert.NotEqual(Described(one, "RUN use").Digest, Described(two, "RUN use").Digest);
        Assert.Equal(Described(one, "RUN other").Digest, Described(two, "RUN other").Digest);
    }
}
