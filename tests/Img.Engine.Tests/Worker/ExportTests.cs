using System.Diagnostics;
using System.Formats.Tar;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Engine.Worker.Export;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Worker;

/// <summary>The image export: stages, backends, reuse of blobs, empty layers.</summary>
public sealed class ExportTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Reproducible = """
        FROM busybox
        WORKDIR /work
        COPY data.txt /work/
        RUN mkdir -p /opt/x && echo built > /opt/x/out && ln -s out /opt/x/link && rm /bin/ls
        """;

    [Fact]
    public async Task Multi_stage_copy_from_takes_the_file_the_other_stage_built()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox AS build
            RUN mkdir /out && echo tool > /out/tool && chmod 0755 /out/tool
            FROM busybox
            COPY --from=build /out/tool /usr/local/bin/tool
            """);
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
        Assert.Equal(2, manifest.Layers.Count);
        var entries = await h.ReadLayerAsync(manifest.Layers[1]);
        var tool = entries.Single(e => e.Type != TarEntryType.Directory);
        Assert.Equal(("usr/local/bin/tool", 0x1ED, "tool\n"), (tool.Name, tool.Mode, tool.Text));
        Assert.Equal(["usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/tool"], entries.Select(e => e.Name));
        // The build stage's RUN is not part of the final image's history.
        Assert.Equal([null, "COPY /out/tool /usr/local/bin/tool # buildkit"], config.History!.Select(e => e.CreatedBy));
    }

    [Fact]
    public async Task Every_snapshotter_gives_the_same_image_with_source_date_epoch()
    {
        var digests = new List<(string Backend, string Manifest, string[] Layers)>();
        foreach (var backend in new[] { "overlayfs", "native", "fuse-overlayfs" })
        {
            using var h = await WorkerHarness.CreateAsync(backend, new ImageExportOptions { SourceDateEpoch = Epoch });
            h.WriteContext("data.txt", "data\n", 0x1A4);
            var (_, target, _) = await h.BuildAsync(Reproducible);
            var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
            Assert.All(config.History!, e => Assert.True(e.Created <= Epoch));
            Assert.Equal(Epoch, config.Created);
            digests.Add((backend, target.Image!.Digest, manifest.Layers.Select(l => l.Digest).ToArray()));
            var run = await h.ReadLayerAsync(manifest.Layers[3]);
            Assert.Equal(["bin/", "bin/.wh.ls", "opt/", "opt/x/", "opt/x/link", "opt/x/out"], run.Select(e => e.Name));
        }
        Assert.Equal(4, digests[0].Layers.Length);
        Assert.Equal(digests[0].Layers, digests[1].Layers);
        Assert.Equal(digests[0].Layers, digests[2].Layers);
        Assert.Equal(digests[0].Manifest, digests[1].Manifest);
        Assert.Equal(digests[0].Manifest, digests[2].Manifest);
    }

    [Fact]
    public async Task The_builds_source_date_epoch_makes_two_fresh_builds_identical_without_a_worker_setting()
    {
        var builds = new List<(string Manifest, ImageConfig Config)>();
        foreach (var viaArg in new[] { true, false })
        {
            using var h = await WorkerHarness.CreateAsync(); // no process-wide epoch: it comes with the build
            h.WriteContext("data.txt", "data\n", 0x1A4);
            var options = viaArg
                ? new Img.Engine.Frontend.Dockerfile.Conversion.ConvertOptions { BuildArgs = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = Epoch.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) } }
                : new Img.Engine.Frontend.Dockerfile.Conversion.ConvertOptions { SourceDateEpoch = Epoch };
            var (_, target, _) = await h.BuildAsync(Reproducible, options);
            var (_, config, _) = await h.ReadImageAsync(target.Image!);
            builds.Add((target.Image!.Digest, config));
            if (viaArg)
                await Task.Delay(1100); // the next build a second later: unclamped times would differ
        }
        Assert.Equal(builds[0].Manifest, builds[1].Manifest);
        Assert.Equal(Epoch, builds[0].Config.Created);
        Assert.All(builds[0].Config.History!, e => Assert.True(e.Created <= Epoch));
        Assert.Equal(Epoch, builds[0].Config.History![^1].Created);
    }

    [Fact]
    public async Task Workdir_creates_its_directory_at_the_builds_epoch()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("FROM busybox\nWORKDIR /w/x\nRUN stat -c %Y /w/x > /t\n",
            new Img.Engine.Frontend.Dockerfile.Conversion.ConvertOptions { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1_000_000_000) });
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var t = (await h.ReadLayerAsync(manifest.Layers[^1])).Single(e => e.Name == "t");
        // the directory made last (parents are touched again by their children, as in BuildKit's mkdirAll)
        Assert.Equal("1000000000\n", t.Text);
    }

    [Fact]
    public async Task A_second_export_reuses_the_blobs_without_diffing_again()
    {
        using var h = await WorkerHarness.CreateAsync(export: new ImageExportOptions { SourceDateEpoch = Epoch });
        h.WriteContext("data.txt", "data\n");
        var (results, target, conversion) = await h.BuildAsync(Reproducible);
        Assert.Equal(3, h.Executor.Layers.LayersDiffed);

        var export = conversion.Graph.Target;
        var root = results[export.Inputs[0].Digest];
        var job = new VertexJob(new CacheKey("sha256:again"), export, [root], h.Log);
        var again = await h.Executor.ExecuteAsync(job, CancellationToken.None);
        Assert.Equal(3, h.Executor.Layers.LayersDiffed);
        Assert.Equal(target.Image, again.Output.Image);

        h.Reopen(); // a new process: the layer records persist in the state directory
        var third = await h.Executor.ExecuteAsync(job, CancellationToken.None);
        Assert.Equal(0, h.Executor.Layers.LayersDiffed);
        Assert.Equal(target.Image, third.Output.Image);
    }

    [Fact]
    public async Task A_run_that_changes_nothing_keeps_its_empty_layer()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN true
            LABEL a=b
            RUN echo x > /x
            """);
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
        // busybox's layer, RUN true (an empty tar, as BuildKit >= 0.10 and dockerd keep it), RUN echo
        Assert.Equal(3, manifest.Layers.Count);
        Assert.Equal(manifest.Layers.Count, config.RootFs.DiffIds.Count);
        Assert.Equal(EmptyLayers.EmptyTarDiffId, config.RootFs.DiffIds[1]);
        var entries = config.History!.Select(e => (e.CreatedBy, e.EmptyLayer)).ToArray();
        Assert.Contains(("RUN /bin/sh -c true # buildkit", false), entries);
        Assert.Contains(("RUN /bin/sh -c echo x > /x # buildkit", false), entries);
    }

    [Fact]
    public async Task From_an_image_alone_exports_the_base_blobs_and_unpacks_each_chain_once()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("FROM busybox\nENV X=1\n");
        var snapshots = h.Snapshotter.Walk().Count;
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
        var baseManifest = await h.Content.ReadJsonAsync<ImageManifest>(h.BaseManifest!);
        Assert.Equal(baseManifest.Layers.Select(l => l.Digest), manifest.Layers.Select(l => l.Digest));
        Assert.Contains("X=1", config.Config.Env!);
        Assert.Equal(0, h.Executor.Layers.LayersDiffed);

        var watch = Stopwatch.StartNew();
        await h.BuildAsync("FROM busybox\nENV X=2\n");
        output.WriteLine($"second FROM + export: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(snapshots, h.Snapshotter.Walk().Count);
    }
}
