using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary><c>--build-context NAME=DIR|docker-image://REF|oci-layout://PATH</c>, as buildx.</summary>
[Collection(E2ECollection.Name)]
public sealed class NamedContextTests(ImgFixture fixture)
{
    [Fact]
    public async Task A_directory_context_is_read_by_copy_from_run_mounts_and_from_with_its_own_dockerignore()
    {
        var img = await fixture.NewStateAsync();
        var libs = fixture.NewDirectory("libs");
        ContextDir.Write(libs, "lib.txt", "lib v1\n");
        ContextDir.Write(libs, "secret.tmp", "ignored\n");
        ContextDir.Write(libs, ".dockerignore", "*.tmp\n");
        var ctx = ContextDir.Create(fixture, """
            FROM busybox AS tools
            RUN echo never > /never
            FROM libs AS fromdir
            FROM tools
            COPY --from=libs /lib.txt /copied.txt
            COPY --from=fromdir / /whole/
            RUN --mount=from=libs,target=/m cat /m/lib.txt > /mounted.txt && ls /m > /listing.txt
            """);
        var first = (await img.BuildAsync(ctx, "-t", "e2e/named-dir", "--build-context", $"libs={libs}", "--build-context", "tools=docker-image://busybox")).AssertSuccess();
        Assert.Contains("[context libs] load from client", first.Error);
        Assert.Contains("[context tools] busybox", first.Error);

        var fs = await img.UnpackAsync("e2e/named-dir");
        Assert.Equal("lib v1\n", fs.Text("/copied.txt"));
        Assert.Equal("lib v1\n", fs.Text("/mounted.txt"));
        Assert.Equal("lib v1\n", fs.Text("/whole/lib.txt"));
        Assert.False(fs.Has("/whole/secret.tmp"), "the named context's .dockerignore applies");
        Assert.Contains("lib.txt", fs.Text("/listing.txt"));
        Assert.False(fs.Has("/never"), "the overridden stage's RUN never ran");

        var again = (await img.BuildAsync(ctx, "-t", "e2e/named-dir", "--build-context", $"libs={libs}", "--build-context", "tools=docker-image://busybox")).AssertSuccess();
        Assert.All(ProgressLog.DockerfileSteps(again.Error).Values, v => Assert.Equal("CACHED", v));

        // the named directory's content is in the cache keys
        ContextDir.Write(libs, "lib.txt", "lib v2\n");
        var changed = (await img.BuildAsync(ctx, "-t", "e2e/named-dir", "--build-context", $"libs={libs}", "--build-context", "tools=docker-image://busybox")).AssertSuccess();
        Assert.Equal("DONE", ProgressLog.DockerfileSteps(changed.Error).Single(s => s.Key.Contains("COPY --from=libs", StringComparison.Ordinal)).Value);
        fs = await img.UnpackAsync("e2e/named-dir");
        Assert.Equal("lib v2\n", fs.Text("/copied.txt"));
        Assert.Equal("lib v2\n", fs.Text("/whole/lib.txt"));
    }

    [Fact]
    public async Task An_image_context_replaces_a_base_image_by_its_normalised_name()
    {
        var img = await fixture.NewStateAsync();
        (await img.RunAsync(["tag", "busybox", "e2e/other-base:1"])).AssertSuccess();
        var ctx = ContextDir.Create(fixture, """
            FROM docker.io/library/alpine:latest
            RUN busybox echo built > /built.txt
            """);
        (await img.BuildAsync(ctx, "-t", "e2e/named-image", "--build-context", "alpine=docker-image://e2e/other-base:1")).AssertSuccess();
        Assert.Equal("built\n", (await img.UnpackAsync("e2e/named-image")).Text("/built.txt"));
    }

    [Fact]
    public async Task An_oci_layout_context_is_read_from_the_directory()
    {
        var img = await fixture.NewStateAsync();
        var archive = Path.Combine(fixture.NewDirectory("oci"), "busybox.tar");
        (await img.RunAsync(["save", "--format", "oci", "-o", archive, "busybox"])).AssertSuccess();
        var layout = fixture.NewDirectory("layout");
        (await ProcessRunner.ToolAsync("tar", "-xf", archive, "-C", layout)).AssertSuccess();
        var ctx = ContextDir.Create(fixture, """
            FROM base
            RUN echo from-oci > /oci.txt
            """);
        var build = (await img.BuildAsync(ctx, "-t", "e2e/named-oci", "--build-context", $"base=oci-layout://{layout}")).AssertSuccess();
        Assert.Contains("[context base] OCI load from client", build.Error);
        Assert.Equal("from-oci\n", (await img.UnpackAsync("e2e/named-oci")).Text("/oci.txt"));

        var missing = (await img.BuildAsync(ctx, "--build-context", $"base=oci-layout://{layout}/nothing")).AssertFailure();
        Assert.Contains($"ERROR: oci-layout reference \"oci-layout://{layout}/nothing\" could not be resolved: open {layout}/nothing/index.json: no such file or directory", missing.Error);
    }

    [Fact]
    public async Task Bad_values_fail_with_buildx_messages()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\n", ("file.txt", "x"));

        var noValue = (await img.BuildAsync(ctx, "--build-context", "libs")).AssertFailure();
        Assert.Contains("ERROR: invalid context value: libs, expected key=value", noValue.Error);

        var badName = (await img.BuildAsync(ctx, "--build-context", "Libs=.")).AssertFailure();
        Assert.Contains("ERROR: invalid context name Libs: ", badName.Error);

        var missing = (await img.BuildAsync(ctx, "--build-context", "libs=/no/such/dir")).AssertFailure();
        Assert.Contains("ERROR: failed to get build context libs: stat /no/such/dir: no such file or directory", missing.Error);

        var file = Path.Combine(ctx, "file.txt");
        var notDir = (await img.BuildAsync(ctx, "--build-context", $"libs={file}")).AssertFailure();
        Assert.Contains($"ERROR: failed to get build context path {{{file} <nil>}}: not a directory", notDir.Error);
    }
}
