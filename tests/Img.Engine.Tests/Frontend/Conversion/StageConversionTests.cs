using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

public class StageConversionTests
{
    private const string MultiStage = """
        FROM alpine AS build
        RUN make
        FROM busybox AS test
        RUN test
        FROM scratch AS final
        COPY --from=build /out /app
        """;

    private static DockerfileException Error(string dockerfile, ConvertOptions? options = null) =>
        Assert.Throws<DockerfileException>(() => Convert(dockerfile, options));

    [Fact]
    public void UnreachableStagesAreNotInTheGraph()
    {
        var r = Convert(MultiStage);
        var descriptions = r.Graph.Vertices.Select(v => v.Metadata.Description).ToArray();
        Assert.Contains("[build 2/2] RUN make", descriptions);
        Assert.DoesNotContain(descriptions, d => d.Contains("RUN test"));
        Assert.DoesNotContain(Ops<SourceOp>(r), s => s.Identifier.Contains("busybox"));
    }

    [Fact]
    public void TargetSelectsTheStage()
    {
        var r = Convert(MultiStage, new ConvertOptions { Target = "TEST" });
        Assert.Equal(["/bin/sh", "-c", "test"], Ops<ExecOp>(r).Single().Args);
        Assert.DoesNotContain(Ops<SourceOp>(r), s => s.Identifier.Contains("alpine"));
        Assert.Equal(["sh"], r.Image.Config.Cmd!);
    }

    [Fact]
    public void UnknownTargetIsAnErrorNamingIt()
    {
        Assert.Equal("Dockerfile: target stage \"bulid\" could not be found (did you mean build?)", Error(MultiStage, new ConvertOptions { Target = "bulid" }).Message);
        Assert.Equal("Dockerfile: target stage \"nothing\" could not be found", Error(MultiStage, new ConvertOptions { Target = "nothing" }).Message);
    }

    [Fact]
    public void IndependentStagesAreIndependentSubgraphs()
    {
        var r = Convert("FROM alpine AS a\nRUN one\nFROM busybox AS b\nRUN two\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=b /y /y\n");
        var one = Described(r, "RUN one");
        var two = Described(r, "RUN two");
        Assert.DoesNotContain(Ancestors(r.Graph, one.Digest), d => d == two.Digest);
        Assert.DoesNotContain(Ancestors(r.Graph, two.Digest), d => d == one.Digest);
    }

    private static HashSet<OpDigest> Ancestors(BuildGraph g, OpDigest d)
    {
        var set = new HashSet<OpDigest>();
        var stack = new Stack<OpDigest>([d]);
        while (stack.Count > 0)
            foreach (var i in g[stack.Pop()].Inputs)
                if (set.Add(i.Digest))
                    stack.Push(i.Digest);
        return set;
    }

    [Fact]
    public void CopyFromByNameIndexAndImage()
    {
        var r = Convert("FROM alpine AS Build\nRUN make\nFROM scratch\nCOPY --from=BUILD /a /a\nCOPY --from=0 /b /b\nCOPY --from=busybox /bin/sh /sh\n");
        var run = Described(r, "RUN make");
        var copies = Ops<FileOp>(r).SelectMany(f => f.Actions).OfType<FileCopyAction>().ToArray();
        Assert.Equal(run.Digest, copies[0].Source!.Digest);
        Assert.Equal(run.Digest, copies[1].Source!.Digest);
        var busybox = Ops<SourceOp>(r).Single(s => s.Identifier == "docker.io/library/busybox:latest");
        Assert.Equal(busybox.ComputeDigest(), copies[2].Source!.Digest);
    }

    [Fact]
    public void CopyFromErrors()
    {
        Assert.Equal("Dockerfile:2: invalid stage index 3", Error("FROM alpine\nCOPY --from=3 /a /a\n").Message);
        Assert.Equal("Dockerfile:2: cannot copy from stage \"later\", it needs to be defined before current stage \"stage-0\"",
            Error("FROM alpine\nCOPY --from=later /a /a\nFROM alpine AS later\nFROM scratch\nCOPY --from=0 /a /a\n").Message);
        Assert.Equal("Dockerfile:3: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
            Error("FROM alpine\nARG S=x\nCOPY --from=$S /a /a\n").Message);
        Assert.Equal("Dockerfile:2: circular dependency detected on stage: a",
            Error("FROM alpine AS a\nCOPY --from=a /x /y\n").Message);
    }

    [Fact]
    public void FromAnEarlierStageContinuesItsFilesystem()
    {
        var r = Convert("FROM alpine AS base\nWORKDIR /src\nUSER app\nFROM base\nRUN build\n");
        var run = Ops<ExecOp>(r).Single();
        Assert.Equal(Described(r, "WORKDIR /src").Digest, run.Root!.Digest);
        Assert.Equal("/src", run.Cwd);
        Assert.Equal("app", run.User);
        Assert.Equal("/src", r.Image.Config.WorkingDir);
    }

    [Fact]
    public void OnbuildTriggersOfAParentStageRunInTheChild()
    {
        var r = Convert("FROM alpine AS base\nONBUILD RUN echo child\nRUN echo parent\nFROM base\nRUN echo own\n");
        Assert.Null(r.Image.Config.OnBuild);
        var trigger = Described(r, "RUN echo child");
        Assert.Equal("[stage-1 1/2] ONBUILD RUN echo child", trigger.Metadata.Description);
        Assert.Equal(Described(r, "RUN echo parent").Digest, ((ExecOp)trigger.Op).Root!.Digest);
        Assert.Equal(trigger.Digest, ((ExecOp)Described(r, "RUN echo own").Op).Root!.Digest);
        var parentOnly = Convert("FROM alpine AS base\nONBUILD RUN echo child\n");
        Assert.Equal(["RUN echo child"], parentOnly.Image.Config.OnBuild!);
    }

    [Fact]
    public void OnbuildTriggersOfTheBaseImageRun()
    {
        var resolver = DefaultResolver().With("docker.io/library/onbuild:latest", new ContainerConfig
        {
            Env = ["PATH=/bin"],
            OnBuild = ["COPY . /app", "RUN make"],
        });
        var r = Convert("FROM onbuild\nRUN test\n", resolver: resolver);
        var history = History(r);
        Assert.Equal(["base layer", "COPY . /app # buildkit", "RUN /bin/sh -c make # buildkit", "RUN /bin/sh -c test # buildkit"], history);
        Assert.Null(r.Image.Config.OnBuild);
        Assert.Equal("[2/4] ONBUILD COPY . /app", Described(r, "COPY . /app").Metadata.Description);
    }

    [Fact]
    public void BaseImageTriggersCountInTheStepTotalOfFrom()
    {
        var resolver = DefaultResolver().With("docker.io/library/onbuild:latest", new ContainerConfig
        {
            Env = ["PATH=/bin"],
            OnBuild = ["COPY . /app", "RUN make"],
        });
        var r = Convert("FROM onbuild\nRUN test\n", resolver: resolver);
        var descriptions = r.Graph.Vertices.Select(v => v.Metadata.Description).Where(d => d.StartsWith('[') && !d.StartsWith("[internal]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["[1/4] FROM docker.io/library/onbuild:latest", "[2/4] ONBUILD COPY . /app", "[3/4] ONBUILD RUN make", "[4/4] RUN test"],
            descriptions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BadOnbuildTriggerInBaseImageReportsTheFromLine()
    {
        var resolver = DefaultResolver().With("docker.io/library/bad:latest", new ContainerConfig { OnBuild = ["FROM x"] });
        var e = Assert.Throws<DockerfileException>(() => Convert("ARG A\nFROM bad\n", resolver: resolver));
        Assert.Equal("Dockerfile:2: FROM isn't allowed as an ONBUILD trigger", e.Message);
    }

    [Fact]
    public void StepNumbering()
    {
        var r = Convert("FROM alpine AS a\nRUN one\nWORKDIR /w\nCOPY x y\nENV A=1\nFROM a\nRUN two\n");
        var descriptions = r.Graph.Vertices.Select(v => v.Metadata.Description).ToArray();
        Assert.Contains("[a 1/4] FROM docker.io/library/alpine:latest", descriptions);
        Assert.Contains("[a 2/4] RUN one", descriptions);
        Assert.Contains("[a 3/4] WORKDIR /w", descriptions);
        Assert.Contains("[a 4/4] COPY x y", descriptions);
        Assert.Contains("[stage-1 1/1] RUN two", descriptions);
        var single = Convert("FROM alpine\nRUN one\n");
        Assert.Contains("[2/2] RUN one", single.Graph.Vertices.Select(v => v.Metadata.Description));
    }

    [Fact]
    public void EmptyAndStagelessDockerfiles()
    {
        Assert.Equal("Dockerfile: the Dockerfile cannot be empty", Error("").Message);
        var e = Assert.Throws<DockerfileException>(() => Convert("RUN x\n", new ConvertOptions { DockerfileName = "build/app.Dockerfile" }));
        Assert.Equal("build/app.Dockerfile:1: no build stage in current context", e.Message);
    }

    [Fact]
    public void ParserErrorsGetTheFileName()
    {
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nENV PATH\n", new ConvertOptions { DockerfileName = "x.Dockerfile" }));
        Assert.StartsWith("x.Dockerfile:2: ", e.Message);
    }

    [Theory]
    [InlineData("alpine", "docker.io/library/alpine:latest")]
    [InlineData("index.docker.io/user/app:1", "docker.io/user/app:1")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    [InlineData("alpine:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/alpine:3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "docker.io/library/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void BaseNamesAreNormalized(string baseName, string identifier)
    {
        var r = Convert($"FROM {baseName}\n");
        Assert.Equal(identifier, Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Image).Identifier);
    }

    [Fact]
    public void InvalidImageReference()
    {
        var e = Error("FROM Alpine\n");
        Assert.Equal("Dockerfile:1: failed to parse stage name \"Alpine\": invalid reference format: repository name (library/Alpine) must be lowercase", e.Message);
    }
}
