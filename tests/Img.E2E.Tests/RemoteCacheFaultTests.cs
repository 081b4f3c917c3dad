using System.Text;
using System.Text.Json.Nodes;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>
/// Caches that are wrong, and registries that fail: an unusable cache is a warning and a miss,
/// never a failed build or a wrong hit; an export that cannot be written fails the build only
/// where the user did not say <c>ignore-error=true</c>, and the image stays either way. And the
/// laziness the cache promises, counted at the registry.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RemoteCacheFaultTests(ImgFixture fixture) : IAsyncLifetime
{
    private const string Run1 = "[2/4] RUN echo first > /first.txt";
    private const string Copy1 = "[3/4] COPY a.txt /a.txt";
    private const string Run2 = "[4/4] RUN cat /a.txt /first.txt > /derived.txt";

    private RegistryProcess _registry = null!;
    private RegistryClient _client = null!;

    private string Base => $"{_registry.Host}/e2e/busybox:latest";

    private string Dockerfile => $"FROM {Base}\nRUN echo first > /first.txt\nCOPY a.txt /a.txt\nRUN cat /a.txt /first.txt > /derived.txt\n";

    public async Task InitializeAsync()
    {
        _registry = await RegistryProcess.StartAsync("faults", fixture.NewDirectory("registry"), null);
        _client = new RegistryClient(_registry.Host);
        var img = await fixture.NewStateAsync();
        (await img.RunAsync(["tag", "busybox:latest", Base])).AssertSuccess();
        (await img.RunAsync(["push", Base])).AssertSuccess();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _registry.DisposeAsync();
    }

    private static void AssertAll(IReadOnlyDictionary<string, string> steps, string outcome, params string[] names)
    {
        foreach (var name in names)
            Assert.True(steps.GetValueOrDefault(name) == outcome, $"{name}: {steps.GetValueOrDefault(name, "missing")}, expected {outcome}; steps: {string.Join(", ", steps)}");
    }

    /// <summary>Builds once and exports its cache to <paramref name="repository"/>:<paramref name="tag"/>; returns the context.</summary>
    private async Task<string> ExportAsync(string repository, string tag, string mode = "min")
    {
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var img = await fixture.NewStateAsync(withBusybox: false);
        (await img.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=registry,ref={_registry.Host}/{repository}:{tag},mode={mode}")).AssertSuccess();
        return ctx;
    }

    /// <summary>The cache's manifest and its description.</summary>
    private async Task<(JsonObject Manifest, JsonObject Description)> ReadAsync(string repository, string tag)
    {
        var manifest = await _client.GetManifestAsync(repository, tag);
        var document = JsonNode.Parse(manifest.Content)!.AsObject();
        var config = new Descriptor { MediaType = document["config"]!["mediaType"]!.GetValue<string>(), Digest = document["config"]!["digest"]!.GetValue<string>(), Size = document["config"]!["size"]!.GetValue<long>() };
        using var bytes = new MemoryStream();
        await _client.GetBlobAsync(repository, config, bytes);
        return (document, JsonNode.Parse(bytes.ToArray())!.AsObject());
    }

    /// <summary>Pushes <paramref name="config"/> (any bytes, any media type) as a cache manifest's config under a tag.</summary>
    private async Task PushCacheAsync(string repository, string tag, byte[] config, string mediaType, JsonObject? manifest = null)
    {
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Compute(config).ToString(), Size = config.Length };
        await _client.PushBlobAsync(repository, descriptor, _ => Task.FromResult<Stream>(new MemoryStream(config)));
        var document = manifest?.DeepClone().AsObject() ?? new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest, ["layers"] = new JsonArray() };
        document["config"] = new JsonObject { ["mediaType"] = mediaType, ["digest"] = descriptor.Digest, ["size"] = descriptor.Size };
        await _client.PutManifestAsync(repository, tag, Encoding.UTF8.GetBytes(document.ToJsonString()), MediaTypes.OciManifest);
    }

    [Fact]
    public async Task A_corrupt_cache_an_unknown_version_missing_blobs_and_no_cache_at_all_are_warnings_and_misses()
    {
        var ctx = await ExportAsync("e2e/broken", "good");
        var (manifest, description) = await ReadAsync("e2e/broken", "good");
        await PushCacheAsync("e2e/broken", "corrupt", "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.img.cache.config.v1+json\",\"layers\":[{"u8.ToArray(), "application/vnd.img.cache.config.v1+json");
        var v2 = description.DeepClone().AsObject();
        v2["schemaVersion"] = 2;
        v2["mediaType"] = "application/vnd.img.cache.config.v2+json";
        await PushCacheAsync("e2e/broken", "v2", Encoding.UTF8.GetBytes(v2.ToJsonString()), "application/vnd.img.cache.config.v2+json", manifest);
        var reference = (string tag) => $"{_registry.Host}/e2e/broken:{tag}";

        foreach (var (tag, warning) in new[]
        {
            ("corrupt", $"WARNING: cache {reference("corrupt")} is not used: invalid cache description: "),
            ("v2", $"WARNING: cache {reference("v2")} is not used: unsupported cache description: schemaVersion 2, mediaType \"application/vnd.img.cache.config.v2+json\"; this img reads schemaVersion 1, application/vnd.img.cache.config.v1+json"),
            ("absent", $"WARNING: cache {reference("absent")} is not used: manifest unknown: {reference("absent")}"),
        })
        {
            var fresh = await fixture.NewStateAsync(withBusybox: false);
            var build = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", reference(tag))).AssertSuccess();
            Assert.Contains(warning, build.Error);
            Assert.Matches($@"#\d+ importing cache manifest from {System.Text.RegularExpressions.Regex.Escape(reference(tag))}\n#\d+ ERROR: ", build.Error);
            AssertAll(ProgressLog.DockerfileSteps(build.Error), "DONE", Run1, Copy1, Run2);
        }

        // a step's layer deleted from the repository: the records that need it miss, the others hit
        var run2 = description["layers"]!.AsArray().Single(l => l!["description"]!.GetValue<string>() == Run2)!["blob"]!["digest"]!.GetValue<string>();
        using (var http = new HttpClient())
            Assert.True((await http.DeleteAsync($"http://{_registry.Host}/v2/e2e/broken/blobs/{run2}")).IsSuccessStatusCode);
        var partial = await fixture.NewStateAsync(withBusybox: false);
        var missing = (await partial.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", reference("good"))).AssertSuccess();
        Assert.Contains($"WARNING: cache {reference("good")}: 2 of 5 cache records are unusable (blob {run2} is missing): their steps will run", missing.Error);
        var steps = ProgressLog.DockerfileSteps(missing.Error);
        AssertAll(steps, "CACHED", Run1, Copy1);
        AssertAll(steps, "DONE", Run2);
        Assert.Equal("A\nfirst\n", (await partial.UnpackAsync("e2e/app")).Text("/derived.txt"));
    }

    [Fact]
    public async Task A_description_mapping_a_key_to_another_steps_layer_is_caught_by_its_diffid_and_the_step_runs()
    {
        var ctx = await ExportAsync("e2e/lies", "true", mode: "max");
        var (manifest, description) = await ReadAsync("e2e/lies", "true");
        // RUN echo first's layer entry now names RUN cat's blob, keeping its own diffID
        var layers = description["layers"]!.AsArray();
        var honest = layers.Single(l => l!["description"]!.GetValue<string>() == Run1)!;
        var other = layers.Single(l => l!["description"]!.GetValue<string>() == Run2)!;
        honest["blob"] = other["blob"]!.DeepClone();
        await PushCacheAsync("e2e/lies", "false", Encoding.UTF8.GetBytes(description.ToJsonString()), "application/vnd.img.cache.config.v1+json", manifest);

        // a.txt changed: COPY a.txt runs on RUN echo first's (lying) record, so its layer is fetched
        File.WriteAllText(Path.Combine(ctx, "a.txt"), "A2\n");
        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var build = (await fresh.BuildAsync(ctx, "-t", "e2e/app", "--cache-from", $"{_registry.Host}/e2e/lies:false")).AssertSuccess();
        Assert.Matches($@"WARNING: the imported cache of {System.Text.RegularExpressions.Regex.Escape(Run1)} could not be used, so it runs: .*uncompressed digest sha256:[0-9a-f]{{64}} is not the result manifest's diffID sha256:[0-9a-f]{{64}}", build.Error);
        AssertAll(ProgressLog.DockerfileSteps(build.Error), "DONE", Copy1, Run2);
        var tree = await fresh.UnpackAsync("e2e/app");
        Assert.Equal("first\n", tree.Text("/first.txt"));
        Assert.Equal("A2\nfirst\n", tree.Text("/derived.txt"));
    }

    [Fact]
    public async Task The_registry_going_away_mid_export_fails_the_build_clearly_keeps_the_image_and_ignore_error_makes_it_a_warning()
    {
        await using var proxy = new RegistryProxy(_registry.Host) { FailWhen = (method, path) => method == "POST" && path.Contains("/blobs/uploads/", StringComparison.Ordinal) };
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var img = await fixture.NewStateAsync(withBusybox: false);
        var cache = $"{proxy.Host}/e2e/cache:down";

        var failed = await img.BuildAsync(ctx, "-t", "e2e/app", "--cache-to", $"type=registry,ref={cache}");
        Assert.Equal(1, failed.ExitCode);
        Assert.True(proxy.Down);
        Assert.Matches($@"#\d+ exporting cache to registry\n(#\d+ [^\n]*\n)*#\d+ ERROR: cannot reach registry {System.Text.RegularExpressions.Regex.Escape(proxy.Host)} \(POST /v2/e2e/cache/blobs/uploads/\)", failed.Error);
        Assert.Contains($"ERROR: failed to build: failed to solve: exporting cache to {cache}: cannot reach registry {proxy.Host}", failed.Error);
        // the image was built and named before the cache export: it stays
        Assert.StartsWith("sha256:", await img.IdAsync("e2e/app"));

        var ignored = (await img.BuildAsync(ctx, "-t", "e2e/app2", "--cache-to", $"type=registry,ref={cache},ignore-error=true")).AssertSuccess();
        Assert.Contains($"WARNING: exporting cache to {cache}: cannot reach registry {proxy.Host}", ignored.Error);
        Assert.Contains("(ignored: ignore-error=true)", ignored.Error);
        Assert.StartsWith("sha256:", await img.IdAsync("e2e/app2"));
    }

    [Fact]
    public async Task Pushing_a_fully_cached_build_to_the_registry_holding_the_cache_downloads_no_layer()
    {
        var ctx = await ExportAsync("e2e/lazy", "cache");
        var (_, description) = await ReadAsync("e2e/lazy", "cache");
        var layers = description["layers"]!.AsArray().Select(l => l!["blob"]!["digest"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(4, layers.Count);

        await using var proxy = new RegistryProxy(_registry.Host);
        var fresh = await fixture.NewStateAsync(withBusybox: false);
        var image = $"{proxy.Host}/e2e/lazy-app:v1";
        var push = (await fresh.BuildAsync(ctx, "-t", image, "--push", "--cache-from", $"{proxy.Host}/e2e/lazy:cache")).AssertSuccess();
        AssertAll(ProgressLog.DockerfileSteps(push.Error), "CACHED", Run1, Copy1, Run2);

        Assert.Equal(0, proxy.BlobBytesDownloaded(layers.Contains));
        var downloaded = proxy.Requests.Where(r => r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal)).ToList();
        Assert.True(downloaded.Sum(r => r.ResponseBytes) < 16 * 1024, string.Join("\n", downloaded));
        // every layer (and the config) mounted from the cache's repository, none uploaded
        var mounted = proxy.Requests.Where(r => r.Method == "POST" && r.Path.Contains("?mount=", StringComparison.Ordinal) && r.Status == 201)
            .Select(r => Uri.UnescapeDataString(r.Path.Split("mount=")[1].Split('&')[0])).ToHashSet();
        Assert.Superset(layers, mounted);
        Assert.Equal(5, mounted.Count);
        Assert.DoesNotContain(proxy.Requests, r => r.Method == "PATCH" || (r.Method == "PUT" && r.Path.Contains("/blobs/uploads/", StringComparison.Ordinal) && layers.Any(l => r.Path.Contains(Uri.EscapeDataString(l), StringComparison.Ordinal))));

        // the pushed image is complete: another state pulls and runs it
        var other = await fixture.NewStateAsync(withBusybox: false);
        (await other.RunAsync(["pull", image])).AssertSuccess();
        Assert.Equal("A\nfirst\n", (await other.UnpackAsync(image)).Text("/derived.txt"));
    }
}
