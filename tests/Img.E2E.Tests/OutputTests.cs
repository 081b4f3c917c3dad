using System.Formats.Tar;
using System.Text.Json;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Platforms;

namespace Img.E2E.Tests;

/// <summary><c>-o type=local|tar|oci|docker</c>, <c>img build -</c>, <c>-f</c> with its own .dockerignore.</summary>
[Collection(E2ECollection.Name)]
public sealed class OutputTests(ImgFixture fixture)
{
    private const string Dockerfile = """
        FROM busybox
        RUN echo built > /built.txt
        COPY a.txt /a.txt
        CMD ["cat", "/built.txt"]
        """;

    [Fact]
    public async Task LocalTarOciAndDockerOutputs()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var outDir = fixture.NewDirectory("out");
        var local = Path.Combine(outDir, "local");
        var fsTar = Path.Combine(outDir, "fs.tar");
        var ociTar = Path.Combine(outDir, "oci.tar");
        var dockerTar = Path.Combine(outDir, "docker.tar");

        var build = (await img.BuildAsync(ctx, "-t", "e2e/out:v1",
            "-o", $"type=local,dest={local}", "-o", $"type=tar,dest={fsTar}",
            "-o", $"type=oci,dest={ociTar}", "-o", $"type=docker,dest={dockerTar}")).AssertSuccess();
        Assert.Contains("exporting to client directory", build.Error);

        // local: the final filesystem
        Assert.Equal("built\n", await File.ReadAllTextAsync(Path.Combine(local, "built.txt")));
        Assert.Equal("A\n", await File.ReadAllTextAsync(Path.Combine(local, "a.txt")));
        Assert.True(File.Exists(Path.Combine(local, "bin", "busybox")));

        // tar: the same filesystem as a tar stream
        var names = new List<string>();
        await using (var stream = File.OpenRead(fsTar))
        {
            using var reader = new TarReader(stream);
            while (await reader.GetNextEntryAsync() is { } entry)
                names.Add(entry.Name.TrimStart('.', '/').TrimEnd('/'));
        }
        Assert.Contains("built.txt", names);
        Assert.Contains("a.txt", names);
        Assert.Contains("bin/busybox", names);

        // oci: an OCI layout archive skopeo reads
        var skopeo = (await ProcessRunner.ToolAsync("skopeo", "inspect", "oci-archive:" + ociTar)).AssertSuccess();
        using (var doc = JsonDocument.Parse(skopeo.Out))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("Layers").GetArrayLength());
            Assert.Equal(PlatformSpec.Default().Architecture, doc.RootElement.GetProperty("Architecture").GetString());
        }
        var skopeoConfig = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--config", "oci-archive:" + ociTar)).AssertSuccess();
        Assert.Contains("/built.txt", skopeoConfig.Out);

        // docker: a docker-archive that img load takes, tagged with -t
        var other = await fixture.NewStateAsync(withBusybox: false);
        var load = (await other.RunAsync(["load", "-i", dockerTar])).AssertSuccess();
        Assert.Contains("e2e/out:v1", load.Out);
        var loaded = await other.UnpackAsync("e2e/out:v1");
        Assert.Equal("built\n", loaded.Text("/built.txt"));
        Assert.Equal(["cat", "/built.txt"], InstructionTests.Strings((await other.InspectAsync("e2e/out:v1")).GetProperty("Config").GetProperty("Cmd")));
        var skopeoDocker = (await ProcessRunner.ToolAsync("skopeo", "inspect", "docker-archive:" + dockerTar)).AssertSuccess();
        Assert.Contains("sha256:", skopeoDocker.Out);
    }

    [Fact]
    public async Task DockerfileFromStdin_HasNoContext()
    {
        var img = await fixture.NewStateAsync();
        var result = (await img.RunAsync(["build", "--progress=plain", "-t", "e2e/stdin", "-"],
            stdin: "FROM busybox\nRUN echo from-stdin > /stdin.txt\nLABEL source=stdin\n")).AssertSuccess();
        Assert.Contains("load build definition from Dockerfile", result.Error);
        Assert.Equal("from-stdin\n", (await img.UnpackAsync("e2e/stdin")).Text("/stdin.txt"));
        Assert.Equal("stdin", (await img.InspectAsync("e2e/stdin")).GetProperty("Config").GetProperty("Labels").GetProperty("source").GetString());

        var noContext = (await img.RunAsync(["build", "--progress=plain", "-t", "e2e/stdin-copy", "-"],
            stdin: "FROM busybox\nCOPY a.txt /a.txt\n")).AssertFailure();
        Assert.Contains("a.txt", noContext.Error);
    }

    [Fact]
    public async Task DashF_UsesItsOwnDockerignore()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN exit 9\n",
            ("keep.txt", "keep\n"), ("drop.txt", "drop\n"), (".dockerignore", "keep.txt\n"),
            ("build/app.Dockerfile", "FROM busybox\nCOPY . /ctx/\n"), ("build/app.Dockerfile.dockerignore", "drop.txt\n"));

        (await img.RunAsync(["build", "--progress=plain", "-f", "build/app.Dockerfile", "-t", "e2e/dashf", "."], workingDirectory: ctx)).AssertSuccess();
        var fs = await img.UnpackAsync("e2e/dashf");
        Assert.Equal("keep\n", fs.Text("/ctx/keep.txt"));
        Assert.False(fs.Has("/ctx/drop.txt"), "app.Dockerfile.dockerignore excludes drop.txt");
        Assert.True(fs.Has("/ctx/.dockerignore"), "the context's .dockerignore is not used when app.Dockerfile.dockerignore exists");
    }
}
