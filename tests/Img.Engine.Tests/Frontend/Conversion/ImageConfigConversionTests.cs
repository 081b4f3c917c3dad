using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

public class ImageConfigConversionTests
{
    [Fact]
    public void HistoryStringsAsBuildKitWritesThem()
    {
        var r = Convert("""
            FROM scratch
            MAINTAINER me
            ENV A=1 B="two words"
            LABEL l=v
            ARG V=x
            WORKDIR /app
            WORKDIR /
            USER nobody
            EXPOSE 80 443/udp
            VOLUME /data
            SHELL ["/bin/bash", "-c"]
            RUN make
            COPY x y /dst/
            ADD a.tar /
            CMD ["run", "it"]
            ENTRYPOINT echo
            HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/
            STOPSIGNAL SIGTERM
            ONBUILD RUN later
            """);
        Assert.Equal(new[]
        {
            "MAINTAINER me",
            "ENV A=1 B=two words",
            "LABEL l=v",
            "ARG V=x",
            "WORKDIR /app",
            "WORKDIR /",
            "USER nobody",
            "EXPOSE [443/udp 80/tcp]",
            "VOLUME [/data]",
            "SHELL [/bin/bash -c]",
            "RUN |1 V=x /bin/bash -c make # buildkit",
            "COPY x y /dst/ # buildkit",
            "ADD a.tar / # buildkit",
            "CMD [\"run\" \"it\"]",
            "ENTRYPOINT [\"/bin/bash\" \"-c\" \"echo\"]",
            "HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/] Interval:30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:3}",
            "STOPSIGNAL SIGTERM",
        }, History(r));
        var layers = r.Image.History!.Where(h => !h.EmptyLayer).Select(h => h.CreatedBy ?? "").ToArray();
        Assert.Equal(["WORKDIR /app", "RUN |1 V=x /bin/bash -c make # buildkit", "COPY x y /dst/ # buildkit", "ADD a.tar / # buildkit"], layers);
        Assert.All(r.Image.History!, h => Assert.Equal("buildkit.dockerfile.v0", h.Comment));

        var c = r.Image.Config;
        Assert.Equal("me", r.Image.Author);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1", "B=two words"], c.Env!);
        Assert.Equal("/", c.WorkingDir);
        Assert.Equal("nobody", c.User);
        Assert.Equal(["443/udp", "80/tcp"], c.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["/data"], c.Volumes!.Keys);
        Assert.Equal(["/bin/bash", "-c"], c.Shell!);
        Assert.Equal(["run", "it"], c.Cmd!); // CMD set in this stage survives ENTRYPOINT
        Assert.Equal(["/bin/bash", "-c", "echo"], c.Entrypoint!);
        Assert.True(c.ArgsEscaped);
        Assert.Equal(30_000_000_000L, c.Healthcheck!.Interval);
        Assert.Equal("SIGTERM", c.StopSignal);
        Assert.Equal(["RUN later"], c.OnBuild!);
        Assert.Equal("v", c.Labels!["l"]);
    }

    [Fact]
    public void EntrypointResetsInheritedCmd()
    {
        var r = Convert("FROM alpine\nENTRYPOINT [\"/app\"]\n");
        Assert.Null(r.Image.Config.Cmd);
        Assert.False(r.Image.Config.ArgsEscaped);
        var kept = Convert("FROM alpine\nCMD [\"x\"]\nENTRYPOINT [\"/app\"]\n");
        Assert.Equal(["x"], kept.Image.Config.Cmd!);
        var inherited = Convert("FROM alpine AS a\nCMD [\"x\"]\nFROM a\nENTRYPOINT [\"/app\"]\n");
        Assert.Null(inherited.Image.Config.Cmd);
        var cleared = Convert("FROM alpine\nENTRYPOINT []\n");
        Assert.Null(cleared.Image.Config.Entrypoint);
    }

    [Fact]
    public void BaseImageConfigIsInherited()
    {
        var resolver = DefaultResolver().With("docker.io/library/node:20", new ContainerConfig
        {
            Env = ["PATH=/node/bin", "NODE_VERSION=20"],
            WorkingDir = "/srv",
            User = "node",
            Shell = ["/bin/ash", "-c"],
            Cmd = ["node"],
        });
        var r = Convert("FROM node:20\nRUN npm ci\nENV X=$NODE_VERSION\n", resolver: resolver);
        var c = r.Image.Config;
        Assert.Equal(["PATH=/node/bin", "NODE_VERSION=20", "X=20"], c.Env!);
        Assert.Equal("/srv", c.WorkingDir);
        Assert.Equal("node", c.User);
        Assert.Equal(["node"], c.Cmd!);
        var run = Ops<Img.Engine.Graph.ExecOp>(r).Single();
        Assert.Equal(["/bin/ash", "-c", "npm ci"], run.Args);
        Assert.Equal("/srv", run.Cwd);
        Assert.Equal("node", run.User);
        Assert.Equal(["NODE_VERSION=20", "PATH=/node/bin"], run.Env);
        Assert.Equal("base layer", History(r)[0]);
        Assert.Contains(resolver.Calls, c => c.Reference == "docker.io/library/node:20");
    }

    [Fact]
    public void DefaultPathAddedWhenBaseHasNone()
    {
        var resolver = DefaultResolver().With("docker.io/library/nopath:latest", new ContainerConfig { Env = ["A=1"] });
        var r = Convert("FROM nopath\n", resolver: resolver);
        Assert.Equal(["A=1", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], r.Image.Config.Env!);
        Assert.Equal(["PATH=/bin"], Convert("FROM busybox\n").Image.Config.Env!);
    }

    [Fact]
    public void LabelOptionsAreAdded()
    {
        var r = Convert("FROM scratch\nLABEL a=1 b=2\n", new ConvertOptions { Labels = new Dictionary<string, string> { ["b"] = "override", ["c"] = "3" } });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "override", ["c"] = "3" }, r.Image.Config.Labels!.ToDictionary());
    }

    [Fact]
    public void ExposeExpandsAndValidates()
    {
        var r = Convert("FROM scratch\nENV P=8080\nEXPOSE $P 9000-9001/UDP\n");
        Assert.Equal(["8080/tcp", "9000/udp", "9001/udp"], r.Image.Config.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("EXPOSE [8080/tcp 9000/udp 9001/udp]", History(r)[^1]);
        var e = Assert.Throws<Img.Engine.Frontend.Dockerfile.Instructions.DockerfileException>(() => Convert("FROM scratch\nEXPOSE 80/xyz\n"));
        Assert.Equal("Dockerfile:2: invalid port: \"80/xyz\": invalid proto: xyz", e.Message);
    }

    [Fact]
    public void StopSignalIsValidated()
    {
        Assert.Equal("9", Convert("FROM scratch\nSTOPSIGNAL 9\n").Image.Config.StopSignal);
        Assert.Equal("sigkill", Convert("FROM scratch\nSTOPSIGNAL sigkill\n").Image.Config.StopSignal);
        var e = Assert.Throws<Img.Engine.Frontend.Dockerfile.Instructions.DockerfileException>(() => Convert("FROM scratch\nSTOPSIGNAL SIGFOO\n"));
        Assert.Equal("Dockerfile:2: invalid signal: SIGFOO", e.Message);
    }

    [Fact]
    public void PlatformOfTheImage()
    {
        var arm = new Platform { Os = "linux", Architecture = "arm64" };
        var r = Convert("FROM scratch\n", new ConvertOptions { TargetPlatform = arm });
        Assert.Equal("arm64", r.Image.Architecture);
        Assert.Equal("linux", r.Image.Os);
        Assert.Equal("linux/arm64", r.Platform.ToString());
        var implicitTarget = Convert("FROM scratch\n");
        Assert.Equal("amd64", implicitTarget.Image.Architecture);
    }

    [Fact]
    public void EnvUsesValuesBeforeTheInstruction()
    {
        var r = Convert("FROM scratch\nENV A=1\nENV A=2 B=$A\n");
        Assert.Contains("B=1", r.Image.Config.Env!);
        Assert.Contains("A=2", r.Image.Config.Env!);
    }
}
