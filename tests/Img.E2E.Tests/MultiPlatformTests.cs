using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>
/// <c>img build --platform linux/amd64,linux/arm64</c> through the published binary: one graph per
/// platform in one solve, an OCI index in the store, pushed and written as BuildKit does; arm64 RUN
/// steps run under QEMU user emulation (Debian qemu-user-static through binfmt_misc); the base
/// image's arm64 half is Debian's busybox-static:arm64.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class MultiPlatformTests(ImgFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(5);

    public Task InitializeAsync() => QemuEmulation.EnsureRegisteredAsync("aarch64");

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<ProcessResult> BuildAsync(ImgCli img, string ctx, params string[] args) =>
        await img.RunAsync(["build", "--progress=plain", .. args, ctx], workingDirectory: ctx, timeout: Slow);

    [Fact]
    public async Task TwoPlatforms_OneIndexInTheStore_EachPlatformRanWithItsArgs()
    {
        var img = await ForeignBusybox.MultiArchStateAsync(fixture);
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH
            RUN echo "$TARGETPLATFORM $TARGETOS $TARGETARCH [$TARGETVARIANT] $BUILDPLATFORM $BUILDOS $BUILDARCH $(uname -m)" > /info
            """);
        var build = (await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-t", "app")).AssertSuccess();

        Assert.Matches(@"\n#\d+ \[linux/amd64 internal\] load metadata for docker.io/library/busybox:latest\n", build.Error);
        Assert.Matches(@"\n#\d+ \[linux/arm64 internal\] load metadata for docker.io/library/busybox:latest\n", build.Error);
        // BuildKit's names show the command with its variables expanded
        Assert.Matches(@"\n#\d+ \[linux/arm64 2/2\] RUN echo ""linux/arm64 linux arm64 \[\] linux/amd64 linux amd64 \$\(uname -m\)"" > /info\n", build.Error);
        Assert.Matches(@"\n#(\d+) exporting to image\n(#\1 [^\n]*\n)*#\1 exporting manifest list sha256:[0-9a-f]{64}( \d+\.\ds)? done\n#\1 naming to docker.io/library/app", build.Error);

        var amd64 = await UnpackAsync(img, "app", "linux/amd64");
        var arm64 = await UnpackAsync(img, "app", "linux/arm64");
        Assert.Equal("linux/amd64 linux amd64 [] linux/amd64 linux amd64 x86_64\n", amd64.Text("/info"));
        Assert.Equal("linux/arm64 linux arm64 [] linux/amd64 linux amd64 aarch64\n", arm64.Text("/info"));

        // img ls: one row for the name; inspect: the host's platform, and every platform of the index
        var ls = (await img.RunAsync(["ls", "--filter", "reference=app"])).AssertSuccess();
        Assert.Single(ls.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        var inspect = await img.InspectAsync("app");
        Assert.Equal("amd64", inspect.GetProperty("Architecture").GetString());
        Assert.Equal(MediaTypeIndex, inspect.GetProperty("Descriptor").GetProperty("mediaType").GetString());
        var manifests = inspect.GetProperty("Manifests").EnumerateArray().ToArray();
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => m.GetProperty("Descriptor").GetProperty("platform").GetProperty("architecture").GetString()));
        Assert.All(manifests, m => Assert.True(m.GetProperty("Available").GetBoolean()));
        Assert.Equal("arm64", manifests[1].GetProperty("ImageData").GetProperty("Platform").GetProperty("architecture").GetString());
        var armInspect = (await img.RunAsync(["inspect", "--platform", "linux/arm64", "-f", "{{.Architecture}}", "app"])).AssertSuccess();
        Assert.Equal("arm64\n", armInspect.Out);
        var listed = (await img.RunAsync(["inspect", "-f", "{{json .Manifests}}", "app"])).AssertSuccess();
        using (var json = JsonDocument.Parse(listed.Out))
            Assert.Equal(["amd64", "arm64"], json.RootElement.EnumerateArray().Select(m => m.GetProperty("Descriptor").GetProperty("platform").GetProperty("architecture").GetString()));
        var graph = (await img.RunAsync(["debug", "graph", "--platform", "linux/amd64,linux/arm64", Path.Join(ctx, "Dockerfile")])).AssertSuccess();
        Assert.Contains(" index  exporting to image", graph.Out);

        // cached: nothing runs again, the same index
        var again = (await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-t", "app", "--iidfile", "iid")).AssertSuccess();
        Assert.Matches(@"\n#\d+ CACHED\n", again.Error);
        Assert.DoesNotContain("uname", Regex.Replace(again.Error, @"#\d+ \[linux/[a-z0-9]+ 2/2\] RUN[^\n]*\n", ""));
        Assert.Equal(inspect.GetProperty("Descriptor").GetProperty("digest").GetString(), File.ReadAllText(Path.Join(ctx, "iid")));
    }

    private const string MediaTypeIndex = "application/vnd.oci.image.index.v1+json";

    private async Task<FileTree> UnpackAsync(ImgCli img, string image, string platform)
    {
        var dir = fixture.NewDirectory("rootfs");
        (await img.RunAsync(["unpack", "--platform", platform, image, dir])).AssertSuccess();
        return await FileTree.ReadAsync(dir);
    }

    [Fact]
    public async Task BuildPlatformStage_CrossCompilesForEachTarget()
    {
        var img = await ForeignBusybox.MultiArchStateAsync(fixture);
        var ctx = ContextDir.Create(fixture, """
            FROM --platform=$BUILDPLATFORM busybox AS build
            ARG TARGETARCH
            RUN echo "built on $(uname -m) for $TARGETARCH" > /out
            FROM busybox
            COPY --from=build /out /out
            """);
        var build = (await BuildAsync(img, ctx, "--platform", "linux/arm64,linux/amd64", "-t", "cross")).AssertSuccess();
        Assert.Matches(@"\n#\d+ \[linux/amd64->arm64 build 2/2\] RUN echo ""built on", build.Error);

        Assert.Equal("built on x86_64 for arm64\n", (await UnpackAsync(img, "cross", "linux/arm64")).Text("/out"));
        Assert.Equal("built on x86_64 for amd64\n", (await UnpackAsync(img, "cross", "linux/amd64")).Text("/out"));
    }

    [Fact]
    public async Task OciOutput_IsTheIndexAsBuildKitWritesIt_DockerOutputIsRefusedAsBuildx()
    {
        var img = await ForeignBusybox.MultiArchStateAsync(fixture);
        var ctx = ContextDir.Create(fixture, "FROM busybox\nCOPY a.txt /a.txt\n", ("a.txt", "A\n"));

        var refused = await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-o", "type=docker,dest=out.tar");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("ERROR: docker exporter does not support exporting manifest lists, use the oci exporter instead\n", refused.Error);

        (await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-t", "oci-app:1", "-o", "type=oci,dest=out.tar")).AssertSuccess();
        var files = ReadTar(Path.Join(ctx, "out.tar"));
        using var layout = JsonDocument.Parse(files["index.json"]);
        var entry = layout.RootElement.GetProperty("manifests").EnumerateArray().Single();
        Assert.Equal(MediaTypeIndex, entry.GetProperty("mediaType").GetString());
        Assert.Equal("docker.io/library/oci-app:1", entry.GetProperty("annotations").GetProperty("io.containerd.image.name").GetString());
        var indexBytes = files["blobs/sha256/" + entry.GetProperty("digest").GetString()![7..]];
        var text = Encoding.UTF8.GetString(indexBytes);
        // Go's json.MarshalIndent(idx, "", "  "): schemaVersion, mediaType, manifests; descriptors with their platform
        Assert.StartsWith("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n  \"manifests\": [\n    {\n      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",", text);
        using var index = JsonDocument.Parse(indexBytes);
        var platforms = index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("platform")).ToArray();
        Assert.Equal(["amd64", "arm64"], platforms.Select(p => p.GetProperty("architecture").GetString()));
        Assert.All(platforms, p => Assert.Equal(["architecture", "os"], p.EnumerateObject().Select(x => x.Name)));
        foreach (var m in index.RootElement.GetProperty("manifests").EnumerateArray())
            Assert.True(files.ContainsKey("blobs/sha256/" + m.GetProperty("digest").GetString()![7..]));

        // the layout is readable by skopeo, platform by platform
        var copy = await ProcessRunner.ToolAsync("skopeo", "inspect", "--override-arch", "arm64", "--format", "{{.Architecture}}", "oci-archive:" + Path.Join(ctx, "out.tar"));
        Assert.Equal("arm64", copy.AssertSuccess().Out.Trim());
    }

    [Fact]
    public async Task LocalOutput_HasOneDirectoryPerPlatform()
    {
        var img = await ForeignBusybox.MultiArchStateAsync(fixture);
        var ctx = ContextDir.Create(fixture, "FROM scratch\nARG TARGETARCH\nCOPY a.txt /a-$TARGETARCH.txt\n", ("a.txt", "A\n"));
        var dest = fixture.NewDirectory("out");
        (await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-o", "type=local,dest=" + dest)).AssertSuccess();
        Assert.True(File.Exists(Path.Join(dest, "linux_amd64", "a-amd64.txt")));
        Assert.True(File.Exists(Path.Join(dest, "linux_arm64", "a-arm64.txt")));
    }

    [Fact]
    public async Task Push_SendsTheChildrenThenTheIndex_PullPicksAPlatform()
    {
        await using var registry = await RegistryProcess.StartAsync("multi", fixture.NewDirectory("registry"), null);
        var img = await ForeignBusybox.MultiArchStateAsync(fixture);
        var reference = $"{registry.Host}/e2e/multi:v1";
        var ctx = ContextDir.Create(fixture, "FROM busybox\nRUN uname -m > /machine\n");
        var push = (await BuildAsync(img, ctx, "--platform", "linux/amd64,linux/arm64", "-t", reference, "--push")).AssertSuccess();
        var indexDigest = (await img.InspectAsync(reference)).GetProperty("Descriptor").GetProperty("digest").GetString()!;
        Assert.Contains($"pushing manifest for {reference}@{indexDigest}", push.Error);

        var raw = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + reference)).AssertSuccess();
        using var index = JsonDocument.Parse(raw.Out);
        Assert.Equal(MediaTypeIndex, index.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(2, index.RootElement.GetProperty("manifests").GetArrayLength());

        var other = await fixture.NewStateAsync(withBusybox: false);
        (await other.RunAsync(["pull", "--platform", "linux/arm64", reference])).AssertSuccess();
        Assert.Equal("aarch64\n", (await UnpackAsync(other, reference, "linux/arm64")).Text("/machine"));
    }

    [Fact]
    public async Task ForeignRun_WithoutAHandler_SaysWhatToInstall()
    {
        // an s390x program: the fixture registers only aarch64, and the s390x handler (if any) is off meanwhile
        var img = await fixture.NewStateAsync();
        var elf = new byte[64];
        "\u007fELF"u8.CopyTo(elf);
        elf[4] = 2;
        elf[5] = 2; // big-endian, as s390x
        elf[6] = 1;
        elf[17] = 2;
        elf[19] = 0x16;
        var ctx = ContextDir.Create(fixture, "FROM busybox\nCOPY --chmod=755 tool /tool\nRUN [\"/tool\"]\n");
        File.WriteAllBytes(Path.Join(ctx, "tool"), elf);
        ProcessResult result;
        using (QemuEmulation.Disabled("s390x"))
            result = await BuildAsync(img, ctx, "-t", "foreign");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            "ERROR: failed to build: failed to solve: cannot run /tool: it is a linux/s390x program and this host is linux/amd64, and no binfmt_misc handler for s390x is registered: " +
            "install QEMU user emulation (Debian: apt-get install qemu-user-static) and make sure binfmt_misc is mounted (mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc) with its handlers registered",
            result.Error);
    }

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
                continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            files[entry.Name] = buffer.ToArray();
        }
        return files;
    }
}
