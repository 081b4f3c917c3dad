using System.Formats.Tar;
using Img.Engine.Content;
using Img.Engine.Snapshots;
using Img.Engine.Worker.Exec;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>Dockerfiles converted, run vertex by vertex on a real worker (runc, overlayfs), and exported.</summary>
public sealed class VertexExecutorTests
{
    [Fact]
    public async Task Run_copy_workdir_user_env_export_the_expected_layers()
    {
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("hello.txt", "hello from context\n", 0x1A4 /* 0644 */);
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            ENV GREETING=hi
            WORKDIR /app
            COPY --chown=1000:1000 hello.txt ./
            RUN echo "$GREETING" > /app/run.txt && chmod 0640 /app/run.txt
            USER app
            RUN id -u > /home/app/uid
            """);

        Assert.NotNull(target.Image);
        var (manifest, config, _) = await h.ReadImageAsync(target.Image);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.MediaType);
        Assert.Equal(5, manifest.Layers.Count);
        Assert.Equal(5, config.RootFs.DiffIds.Count);
        Assert.Equal(h.BaseManifest!.Digest, h.BaseManifest.Digest);
        var baseManifest = await h.Content.ReadJsonAsync<Oci.ImageManifest>(h.BaseManifest);
        Assert.Equal(baseManifest.Layers[0].Digest, manifest.Layers[0].Digest); // base blob reused byte for byte
        Assert.Equal("app", config.Config.User);
        Assert.Equal("/app", config.Config.WorkingDir);
        Assert.Contains("GREETING=hi", config.Config.Env!);
        Assert.Equal(5, config.History!.Count(e => !e.EmptyLayer));
        Assert.All(config.History!, e => Assert.NotNull(e.Created));

        static string[] Files(List<LayerEntry> entries) => entries.Where(e => e.Type != TarEntryType.Directory).Select(e => e.Name).ToArray();
        var workdir = await h.ReadLayerAsync(manifest.Layers[1]);
        var app = Assert.Single(workdir);
        Assert.Equal(("app/", TarEntryType.Directory, 0x1ED, 0), (app.Name, app.Type, app.Mode, app.Uid));

        var copy = await h.ReadLayerAsync(manifest.Layers[2]);
        Assert.Equal(["app/hello.txt"], Files(copy));
        var hello = copy.Single(e => e.Name == "app/hello.txt");
        Assert.Equal((0x1A4, 1000, 1000, "hello from context\n"), (hello.Mode, hello.Uid, hello.Gid, hello.Text));

        var run = await h.ReadLayerAsync(manifest.Layers[3]);
        Assert.Equal(["app/run.txt"], Files(run));
        var runTxt = run.Single(e => e.Name == "app/run.txt");
        Assert.Equal((0x1A0, 0, "hi\n"), (runTxt.Mode, runTxt.Uid, runTxt.Text));

        var asUser = await h.ReadLayerAsync(manifest.Layers[4]);
        Assert.Equal(["home/app/uid"], Files(asUser));
        var uid = asUser.Single(e => e.Name == "home/app/uid");
        Assert.Equal((1000, 1000, "1000\n"), (uid.Uid, uid.Gid, uid.Text));
        Assert.DoesNotContain(h.Snapshotter.Walk(), s => s.Kind != SnapshotKind.Committed);
    }

    [Fact]
    public async Task The_build_network_none_leaves_a_run_only_the_loopback_and_run_network_host_overrides_it()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN ls /sys/class/net > /none
            RUN --network=host ls /sys/class/net > /host
            """, new Img.Engine.Frontend.Dockerfile.Conversion.ConvertOptions { Network = Img.Engine.Graph.NetworkMode.None });
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var none = (await h.ReadLayerAsync(manifest.Layers[1])).Single(e => e.Name == "none");
        Assert.Equal("lo\n", none.Text);
        var host = (await h.ReadLayerAsync(manifest.Layers[2])).Single(e => e.Name == "host");
        Assert.Equal(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal), host.Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_failing_run_reports_the_exit_code_like_buildkit_and_leaves_no_active_snapshot()
    {
        using var h = await WorkerHarness.CreateAsync();
        var e = await Assert.ThrowsAsync<ProcessFailedException>(() => h.BuildAsync("""
            FROM busybox
            RUN echo about to fail >&2; exit 3
            """));
        Assert.Equal("process \"/bin/sh -c echo about to fail >&2; exit 3\" did not complete successfully: exit code: 3", e.Message);
        Assert.Contains(h.Log.Lines, l => l.Line == "about to fail" && l.Stream == Img.Engine.Solver.VertexLogStream.Stderr);
        Assert.DoesNotContain(h.Snapshotter.Walk(), s => s.Kind != SnapshotKind.Committed);
    }
}
