using System.Text.Json;
using System.Text.Json.Nodes;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>
/// <c>--cache-to</c> / <c>--cache-from</c> through the published binary against a real
/// docker-registry: a fresh state directory (an ephemeral CI runner) starts warm from a cache
/// another one exported. Base images come from the same registry, so both states pin the same one.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RemoteCacheTests(ImgFixture fixture) : IAsyncLifetime
{
    private const string Steps = """
        RUN echo first > /first.txt
        COPY a.txt /a.txt
        RUN cat /a.txt > /derived.txt
        COPY b.txt /b.txt
        RUN cat /b.txt /a.txt > /both.txt
        """;

    private const string Run1 = "[2/6] RUN echo first > /first.txt";
    private const string Copy1 = "[3/6] COPY a.txt /a.txt";
    private const string Run2 = "[4/6] RUN cat /a.txt > /derived.txt";
    private const string Copy2 = "[5/6] COPY b.txt /b.txt";
    private const string Run3 = "[6/6] RUN cat /b.txt /a.txt > /both.txt";

    private RegistryProcess _registry = null!;

    private string Base => $"{_registry.Host}/e2e/busybox:latest";

    private string Dockerfile => $"FROM {Base}\n{Steps}\n";

    public async Task InitializeAsync()
    {
        _registry = await RegistryProcess.StartAsync("cache", fixture.NewDirectory("registry"), null);
        var img = await fixture.NewStateAsync();
        (await img.RunAsync(["tag", "busybox:latest", Base])).AssertSuccess();
        (await img.RunAsync(["push", Base])).AssertSuccess();
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private static void AssertAll(IReadOnlyDictionary<string, string> steps, string outcome, params string[] names)
    {
        foreach (var name in names)
            Assert.True(steps.GetValueOrDefault(name) == outcome, $"{name}: {steps.GetValueOrDefault(name, "missing")}, expected {outcome}; steps: {string.Join(", ", steps)}");
    }

    /// <summary>The description of a registry cache (its manifest's config), through the registry API.</summary>
    private async Task<JsonObject> DescriptionAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://{_registry.Host}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        var manifest = JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
        var config = manifest["config"]!["digest"]!.GetValue<string>();
        return JsonNode.Parse(await http.GetStringAsync($"http://{_registry.Host}/v2/{repository}/blobs/{config}"))!.AsObject();
    }

    [Fact]
    public async Task A_registry_cache_exported_by_one_state_makes_a_fresh_state_fully_cached_with_the_same_image()
    {
        var cache = $"{_registry.Host}/e2e/cache:main";
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        var first = await fixture.NewStateAsync(withBusybox: false);
        var export = (await first.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=registry,ref={cache}")).AssertSuccess();
        Assert.Contains("exporting cache to registry", export.Error);
        Assert.Matches(@"#\d+ writing cache manifest sha256:[0-9a-f]{64} done", export.Error);

        // the cache is an OCI manifest whose config is img's description: registry and skopeo read it
        var raw = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + cache)).AssertSuccess();
        using (var manifest = JsonDocument.Parse(raw.Out))
        {
            Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.RootElement.GetProperty("mediaType").GetString());
            Assert.Equal("application/vnd.img.cache.config.v1+json", manifest.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
            Assert.Equal(6, manifest.RootElement.GetProperty("layers").GetArrayLength()); // busybox + 5 steps
        }
        var copy = fixture.NewDirectory("skopeo-copy");
        (await ProcessRunner.ToolAsync("skopeo", "copy", "--src-tls-verify=false", "docker://" + cache, "oci:" + copy + ":cache")).AssertSuccess();
        var description = await DescriptionAsync("e2e/cache", "main");
        Assert.Equal(1, description["schemaVersion"]!.GetValue<int>());
        Assert.Equal(7, description["records"]!.AsArray().Count); // FROM, 5 steps, the export

        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var import = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", cache)).AssertSuccess();
        Assert.Contains($"importing cache manifest from {cache}", import.Error);
        AssertAll(ProgressLog.DockerfileSteps(import.Error), "CACHED", Run1, Copy1, Run2, Copy2, Run3);
        Assert.DoesNotContain("WARNING", import.Error);
        Assert.Equal(await first.IdAsync("e2e/app"), await fresh.IdAsync("e2e/app"));
        Assert.Equal("B\nA\n", (await fresh.UnpackAsync("e2e/app")).Text("/both.txt"));
    }

    [Fact]
    public async Task A_one_file_change_misses_only_the_steps_after_its_copy()
    {
        var cache = $"{_registry.Host}/e2e/cache:one-file";
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        var first = await fixture.NewStateAsync(withBusybox: false);
        (await first.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=registry,ref={cache},mode=max")).AssertSuccess();

        File.WriteAllText(Path.Combine(ctx, "b.txt"), "B2\n");
        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var build = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", cache)).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(build.Error);
        AssertAll(steps, "CACHED", Run1, Copy1, Run2);
        AssertAll(steps, "DONE", Copy2, Run3);
        var tree = await fresh.UnpackAsync("e2e/app");
        Assert.Equal("B2\nA\n", tree.Text("/both.txt"));
        Assert.Equal("first\n", tree.Text("/first.txt"));

        // the cached layers are the exporter's own; the COPY that ran gives the same layer it gives there (a RUN's files get new times)
        (await first.BuildAsync(ctx, "-t", "e2e/app")).AssertSuccess();
        Assert.Equal((await first.LayersAsync("e2e/app")).Take(5), (await fresh.LayersAsync("e2e/app")).Take(5));
    }

    [Fact]
    public async Task Mode_min_exports_the_final_images_steps_and_mode_max_every_stage()
    {
        var dockerfile = $"""
            FROM {Base} AS builder
            RUN echo built > /out.txt
            COPY a.txt /a.txt
            RUN cat /a.txt /out.txt > /artifact.txt

            FROM {Base}
            COPY --from=builder /artifact.txt /artifact.txt
            COPY b.txt /b.txt
            """;
        var ctx = ContextDir.Create(fixture, dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        var first = await fixture.NewStateAsync(withBusybox: false);
        (await first.BuildAsync(ctx, "-t", "e2e/app",
            "--cache-to", $"type=registry,ref={_registry.Host}/e2e/cache:min",
            "--cache-to", $"type=registry,ref={_registry.Host}/e2e/cache:max,mode=max")).AssertSuccess();
        var min = await DescriptionAsync("e2e/cache", "min");
        var max = await DescriptionAsync("e2e/cache", "max");
        Assert.Equal(4, min["records"]!.AsArray().Count); // FROM, COPY --from, COPY b.txt, export
        Assert.Equal(7, max["records"]!.AsArray().Count); // and the builder's RUN, COPY, RUN (its FROM is the same key)

        // b.txt changed: the final stage misses from COPY b.txt on; the builder is needed only if COPY --from misses
        File.WriteAllText(Path.Combine(ctx, "b.txt"), "B2\n");
        File.WriteAllText(Path.Combine(ctx, "Dockerfile"), dockerfile.Replace("COPY --from=builder /artifact.txt /artifact.txt", "COPY --from=builder /artifact.txt /copied.txt"));
        var withMin = await fixture.NewStateAsync(withBusybox: false);
        var minBuild = (await withMin.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", $"{_registry.Host}/e2e/cache:min")).AssertSuccess();
        var withMax = await fixture.NewStateAsync(withBusybox: false);
        var maxBuild = (await withMax.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", $"{_registry.Host}/e2e/cache:max")).AssertSuccess();
        const string builderRun = "[builder 2/4] RUN echo built > /out.txt";
        const string builderLast = "[builder 4/4] RUN cat /a.txt /out.txt > /artifact.txt";
        AssertAll(ProgressLog.DockerfileSteps(minBuild.Error), "DONE", builderRun, builderLast);
        AssertAll(ProgressLog.DockerfileSteps(maxBuild.Error), "CACHED", builderRun, builderLast);
        Assert.Equal("A\nbuilt\n", (await withMax.UnpackAsync("e2e/app")).Text("/copied.txt"));
        Assert.Equal("A\nbuilt\n", (await withMin.UnpackAsync("e2e/app")).Text("/copied.txt"));
    }

    [Fact]
    public async Task A_local_cache_directory_round_trips_and_an_export_killed_midway_leaves_the_previous_cache_readable()
    {
        var dir = Path.Combine(fixture.NewDirectory("ci-cache"), "cache");
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        var first = await fixture.NewStateAsync(withBusybox: false);
        (await first.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=local,dest={dir}")).AssertSuccess();
        Assert.True(File.Exists(Path.Combine(dir, "index.json")));
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", File.ReadAllText(Path.Combine(dir, "oci-layout")));
        var index = File.ReadAllText(Path.Combine(dir, "index.json"));

        // another build exporting a big layer to the same directory is killed while it writes
        var big = ContextDir.Create(fixture, $"FROM {Base}\nRUN head -c 67108864 /dev/urandom > /big\n");
        var blobs = Path.Combine(dir, "blobs", "sha256");
        // a watcher sees the temporary blob even when it lives shorter than a polling interval on a busy machine
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(blobs, ".tmp-*") { EnableRaisingEvents = true };
        watcher.Created += (_, _) => writing.TrySetResult();
        await using (var killed = first.StartBuild(big, "--cache-to", $"type=local,dest={dir}"))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!writing.Task.IsCompleted && !Directory.EnumerateFiles(blobs, ".tmp-*").Any())
            {
                Assert.True(DateTime.UtcNow < deadline, "the export never started writing:\n" + killed.Error);
                await Task.WhenAny(writing.Task, Task.Delay(5));
            }
            await killed.SignalAsync("KILL");
            await killed.WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(index, File.ReadAllText(Path.Combine(dir, "index.json")));

        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var import = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", $"type=local,src={dir}")).AssertSuccess();
        Assert.Contains($"importing cache manifest from {dir}", import.Error);
        AssertAll(ProgressLog.DockerfileSteps(import.Error), "CACHED", Run1, Copy1, Run2, Copy2, Run3);
        Assert.DoesNotContain("WARNING", import.Error);
        Assert.Equal(await first.IdAsync("e2e/app"), await fresh.IdAsync("e2e/app"));

        // the next export writes over what the killed one left
        (await first.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=local,dest={dir}")).AssertSuccess();
        Assert.Empty(Directory.EnumerateFiles(blobs, ".tmp-*"));
    }

    [Fact]
    public async Task An_inline_cache_in_a_pushed_image_serves_cache_from_the_image()
    {
        var image = $"{_registry.Host}/e2e/inline:v1";
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        var first = await fixture.NewStateAsync(withBusybox: false);
        var push = (await first.BuildAsync(ctx, "-t", image, "--push", "--cache-to", "type=inline")).AssertSuccess();
        Assert.Contains("preparing layers for inline cache", push.Error);
        var inspect = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--tls-verify=false", "--raw", "--config", "docker://" + image)).AssertSuccess();
        Assert.Contains("\"img.cache\"", inspect.Out);

        File.WriteAllText(Path.Combine(ctx, "b.txt"), "B2\n");
        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var build = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", image)).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(build.Error);
        AssertAll(steps, "CACHED", Run1, Copy1, Run2);
        AssertAll(steps, "DONE", Copy2, Run3);
        Assert.Equal("B2\nA\n", (await fresh.UnpackAsync("e2e/app")).Text("/both.txt"));
    }
}
