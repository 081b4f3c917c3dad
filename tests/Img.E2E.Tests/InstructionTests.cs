using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Platforms;

namespace Img.E2E.Tests;

/// <summary>Every Dockerfile instruction, built once and read back from the image config and file tree.</summary>
[Collection(E2ECollection.Name)]
public sealed class InstructionTests(ImgFixture fixture)
{
    private const string Remote = "remote file\n";

    private static string Dockerfile(string url, string checksum) => $$"""
        ARG BASE=busybox
        FROM --platform=$BUILDPLATFORM ${BASE} AS base
        ARG VERSION=1.0
        ARG OTHER
        LABEL org.example.label="lbl" version=$VERSION
        ENV APP_HOME=/app SPACED="a b"
        EXPOSE 8080 9090/udp
        WORKDIR $APP_HOME
        WORKDIR sub
        RUN echo "home=$APP_HOME v=$VERSION o=$OTHER spaced=$SPACED" > /env.txt && pwd > /pwd.txt
        RUN ["/bin/sh", "-c", "echo exec $APP_HOME > /exec.txt"]
        COPY a.txt /copied/
        COPY a.txt /copied-as-file
        COPY *.log /logs/
        COPY dir /dircontents
        COPY dir/ /dircontents-slash/
        COPY a.txt rel.txt
        COPY ctxsub /ctxsub/
        COPY --chown=app:extra a.txt /own/name.txt
        COPY --chown=1000:1001 a.txt /own/num.txt
        COPY --chmod=0751 a.txt /own/mode.txt
        COPY ignored.txt* /maybe/
        ADD arch.tar.gz /extracted/
        ADD a.txt /added.txt
        ADD --checksum={{checksum}} {{url}} /remote.txt
        USER app
        RUN id > /tmp/id-name.txt
        USER 1000:1001
        RUN id > /tmp/id-num.txt
        USER root
        RUN cp /tmp/id-name.txt /tmp/id-num.txt /
        VOLUME /data
        STOPSIGNAL SIGTERM
        HEALTHCHECK --interval=5s --timeout=3s CMD echo ok
        SHELL ["/bin/sh", "-xc"]
        RUN touch /shell.txt
        ONBUILD RUN echo triggered > /onbuild.txt
        ENTRYPOINT ["/bin/echo"]
        CMD ["hi"]
        RUN <<EOF
        echo heredoc > /heredoc.txt
        EOF
        COPY <<EOF /heredoc-copy.txt
        from heredoc
        EOF
        """;

    [Fact]
    public async Task EveryInstruction_ShowsInConfigAndFileTree()
    {
        await using var http = new StaticHttpServer(new Dictionary<string, byte[]> { ["remote.txt"] = Encoding.UTF8.GetBytes(Remote) });
        var checksum = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Remote)));
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile(http.Url("remote.txt"), checksum),
            ("a.txt", "A\n"), ("b.log", "B\n"), ("c.log", "C\n"), ("dir/one.txt", "one\n"), ("dir/sub/two.txt", "two\n"),
            ("ignored.txt", "never\n"), ("ctxsub/plain.txt", "plain\n"), ("ctxsub/a.tmp", "tmp\n"), ("ctxsub/keep.tmp", "keep\n"),
            (".dockerignore", "ignored.txt\n**/*.tmp\n!**/keep.tmp\n"));
        WriteTarGz(Path.Combine(ctx, "arch.tar.gz"), ("f.txt", "intar\n"), ("d/g.txt", "deep\n"));

        var build = (await img.BuildAsync(ctx, "-t", "e2e/instructions:1", "--build-arg", "VERSION=2.0", "--build-arg", "OTHER=xyz",
            "--label", "cli=yes")).AssertSuccess();
        Assert.Contains("+ touch /shell.txt", build.Error); // SHELL ["/bin/sh", "-xc"] ran the next RUN

        var inspect = await img.InspectAsync("e2e/instructions:1");
        var config = inspect.GetProperty("Config");
        Assert.Equal(PlatformSpec.Default().Architecture, inspect.GetProperty("Architecture").GetString());
        Assert.Equal("linux", inspect.GetProperty("Os").GetString());
        Assert.Equal("root", config.GetProperty("User").GetString());
        Assert.Equal(["8080/tcp", "9090/udp"], Keys(config.GetProperty("ExposedPorts")));
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_HOME=/app", "SPACED=a b"], Strings(config.GetProperty("Env")));
        Assert.Equal(["/bin/echo"], Strings(config.GetProperty("Entrypoint")));
        Assert.Equal(["hi"], Strings(config.GetProperty("Cmd")));
        Assert.Equal(["/data"], Keys(config.GetProperty("Volumes")));
        Assert.Equal("/app/sub", config.GetProperty("WorkingDir").GetString());
        var labels = config.GetProperty("Labels");
        Assert.Equal("lbl", labels.GetProperty("org.example.label").GetString());
        Assert.Equal("2.0", labels.GetProperty("version").GetString());
        Assert.Equal("yes", labels.GetProperty("cli").GetString());
        Assert.Equal("SIGTERM", config.GetProperty("StopSignal").GetString());
        var health = config.GetProperty("Healthcheck");
        Assert.Equal(["CMD-SHELL", "echo ok"], Strings(health.GetProperty("Test")));
        Assert.Equal(5_000_000_000L, health.GetProperty("Interval").GetInt64());
        Assert.Equal(3_000_000_000L, health.GetProperty("Timeout").GetInt64());
        Assert.Equal(["RUN echo triggered > /onbuild.txt"], Strings(config.GetProperty("OnBuild")));
        Assert.Equal(["/bin/sh", "-xc"], Strings(config.GetProperty("Shell")));
        // base + 2 WORKDIR + 2 RUN + 11 COPY + 3 ADD + 5 RUN + 1 COPY heredoc; the COPY whose wildcard
        // matches nothing leaves an empty layer, kept as BuildKit >= 0.10 keeps it
        Assert.Equal(25, inspect.GetProperty("RootFS").GetProperty("Layers").GetArrayLength());

        var fs = await img.UnpackAsync("e2e/instructions:1");
        Assert.Equal("home=/app v=2.0 o=xyz spaced=a b\n", fs.Text("/env.txt"));
        Assert.Equal("/app/sub\n", fs.Text("/pwd.txt"));
        Assert.Equal("exec /app\n", fs.Text("/exec.txt"));
        Assert.Equal(('d', "755", 0), (fs["/app/sub"].Type, fs["/app/sub"].Mode, fs["/app/sub"].Uid));
        Assert.Equal("A\n", fs.Text("/copied/a.txt"));
        Assert.Equal('f', fs["/copied-as-file"].Type);
        Assert.Equal("A\n", fs.Text("/copied-as-file"));
        Assert.Equal("B\n", fs.Text("/logs/b.log"));
        Assert.Equal("C\n", fs.Text("/logs/c.log"));
        foreach (var d in new[] { "/dircontents", "/dircontents-slash" })
        {
            Assert.Equal("one\n", fs.Text(d + "/one.txt"));
            Assert.Equal("two\n", fs.Text(d + "/sub/two.txt"));
            Assert.False(fs.Has(d + "/dir"), $"COPY dir copies the directory's contents, not {d}/dir");
        }
        Assert.Equal("A\n", fs.Text("/app/sub/rel.txt"));
        Assert.Equal("plain\n", fs.Text("/ctxsub/plain.txt"));
        Assert.Equal("keep\n", fs.Text("/ctxsub/keep.tmp"));
        Assert.False(fs.Has("/ctxsub/a.tmp"), ".dockerignore **/*.tmp excludes ctxsub/a.tmp");
        Assert.False(fs.Has("/maybe"), "a COPY wildcard matching only ignored files copies nothing");
        Assert.DoesNotContain(fs.Entries.Keys, p => p.EndsWith("ignored.txt", StringComparison.Ordinal));
        Assert.Equal((1000, 1001, "644"), (fs["/own/name.txt"].Uid, fs["/own/name.txt"].Gid, fs["/own/name.txt"].Mode));
        Assert.Equal((1000, 1001, "644"), (fs["/own/num.txt"].Uid, fs["/own/num.txt"].Gid, fs["/own/num.txt"].Mode));
        Assert.Equal((0, 0, "751"), (fs["/own/mode.txt"].Uid, fs["/own/mode.txt"].Gid, fs["/own/mode.txt"].Mode));
        Assert.Equal("intar\n", fs.Text("/extracted/f.txt"));
        Assert.Equal("deep\n", fs.Text("/extracted/d/g.txt"));
        Assert.False(fs.Has("/extracted/arch.tar.gz"));
        Assert.Equal("A\n", fs.Text("/added.txt"));
        Assert.Equal(Remote, fs.Text("/remote.txt"));
        Assert.Equal("600", fs["/remote.txt"].Mode);
        Assert.Equal("uid=1000(app) gid=1000(app) groups=1000(app),1001(extra)\n", fs.Text("/id-name.txt"));
        Assert.Equal("uid=1000(app) gid=1001(extra) groups=1001(extra)\n", fs.Text("/id-num.txt"));
        Assert.True(fs.Has("/shell.txt"));
        Assert.Equal("heredoc\n", fs.Text("/heredoc.txt"));
        Assert.Equal("from heredoc\n", fs.Text("/heredoc-copy.txt"));
        Assert.False(fs.Has("/onbuild.txt"), "ONBUILD runs in children only");
    }

    [Fact]
    public async Task OnBuildTriggers_RunInChild_AndEntrypointResetsInheritedCmd()
    {
        var img = await fixture.NewStateAsync();
        var parent = ContextDir.Create(fixture, """
            FROM busybox
            ENV FROM_PARENT=1
            ONBUILD RUN echo triggered > /onbuild.txt
            ONBUILD COPY child.txt /from-child-context.txt
            CMD ["parent-cmd"]
            """);
        (await img.BuildAsync(parent, "-t", "e2e/parent")).AssertSuccess();
        Assert.Equal(2, (await img.InspectAsync("e2e/parent")).GetProperty("Config").GetProperty("OnBuild").GetArrayLength());

        var child = ContextDir.Create(fixture, """
            FROM e2e/parent AS reset
            RUN cat /onbuild.txt > /child-saw.txt
            ENTRYPOINT ["/bin/cat"]

            FROM e2e/parent AS kept
            CMD ["own-cmd"]
            ENTRYPOINT ["/bin/cat"]
            """, ("child.txt", "child\n"));
        var resetBuild = (await img.BuildAsync(child, "-t", "e2e/child-reset", "--target", "reset")).AssertSuccess();
        (await img.BuildAsync(child, "-t", "e2e/child-kept", "--target", "kept")).AssertSuccess();
        // The inherited triggers are steps of the stage: one total for FROM, the triggers and the rest.
        Assert.Equal(
            ["[reset 1/4] FROM docker.io/e2e/parent:latest", "[reset 2/4] ONBUILD RUN echo triggered > /onbuild.txt",
             "[reset 3/4] ONBUILD COPY child.txt /from-child-context.txt", "[reset 4/4] RUN cat /onbuild.txt > /child-saw.txt"],
            ProgressLog.DockerfileSteps(resetBuild.Error).Keys.Select(k => k.Split('@')[0]).Order(StringComparer.Ordinal));

        var reset = (await img.InspectAsync("e2e/child-reset")).GetProperty("Config");
        Assert.Equal(["/bin/cat"], Strings(reset.GetProperty("Entrypoint")));
        Assert.True(IsAbsent(reset, "Cmd"), "ENTRYPOINT resets a CMD inherited from the base image");
        Assert.True(IsAbsent(reset, "OnBuild"), "ONBUILD triggers are not inherited by the child's image");
        Assert.Contains("FROM_PARENT=1", Strings(reset.GetProperty("Env")));
        var kept = (await img.InspectAsync("e2e/child-kept")).GetProperty("Config");
        Assert.Equal(["own-cmd"], Strings(kept.GetProperty("Cmd")));

        var fs = await img.UnpackAsync("e2e/child-reset");
        Assert.Equal("triggered\n", fs.Text("/onbuild.txt"));
        Assert.Equal("triggered\n", fs.Text("/child-saw.txt"));
        Assert.Equal("child\n", fs.Text("/from-child-context.txt"));
    }

    internal static bool IsAbsent(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0);

    internal static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    internal static string[] Keys(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    internal static void WriteTarGz(string path, params (string Name, string Content)[] files)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        foreach (var (name, content) in files)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = Modes.Parse("644"),
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            });
        }
    }
}
