using System.Text.Json;
using System.Text.RegularExpressions;
using Img.Cli.Tests.Registry;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Inline;
using Img.Engine.Tests.Fixtures;
using Xunit.Abstractions;

namespace Img.Cli.Tests.Build;

/// <summary>
/// <c>--cache-to</c> / <c>--cache-from</c> with <c>--platform linux/amd64,linux/arm64</c>, in-process
/// with runc (arm64 RUN under QEMU) and a real registry: one cache holds both platforms' records,
/// a machine with an empty state gets every step of both platforms CACHED from it, and so does a
/// single-platform build; an inline cache is in each platform's image config. The base image is a
/// two-platform busybox pushed to the registry, so the fresh state has nothing of its own.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MultiPlatformCacheTests(RegistryFixture registries, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Platforms = "linux/amd64,linux/arm64";
    private readonly CliSession _first = new();
    private readonly List<CliSession> _fresh = [];
    private string _repository = "";

    public async Task InitializeAsync()
    {
        await ForeignArchitecture.EnsureEmulationAsync("aarch64");
        _repository = $"{registries.Anonymous.Host}/mpcache-{Guid.NewGuid():N}"[..48];
        var ctx = Context("base", "FROM scratch\nARG TARGETARCH\nCOPY rootfs-$TARGETARCH/ /\n");
        await ForeignArchitecture.WriteRootfsAsync(Path.Join(ctx, "rootfs-amd64"), "/bin/busybox");
        await ForeignArchitecture.WriteRootfsAsync(Path.Join(ctx, "rootfs-arm64"), await ForeignArchitecture.BusyboxAsync("arm64"));
        await OkAsync(_first, "build", "--platform", Platforms, "-t", Base, "--push", ctx);
    }

    public Task DisposeAsync()
    {
        foreach (var session in _fresh)
            session.Dispose();
        _first.Dispose();
        return Task.CompletedTask;
    }

    private string Base => _repository + "/busybox:latest";

    /// <summary>A stage on the build platform that both platforms copy from (one vertex), and a RUN per platform.</summary>
    private string App() => Context("app", $"""
        FROM --platform=$BUILDPLATFORM {Base} AS tools
        RUN echo tools > /tools
        FROM {Base}
        COPY --from=tools /tools /tools
        RUN uname -m > /arch
        """);

    private string Context(string name, string dockerfile)
    {
        var dir = Path.Join(_first.Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile);
        return dir;
    }

    /// <summary>The same user on a machine with an empty state directory.</summary>
    private CliSession Fresh()
    {
        var session = _first.WithFreshState();
        _fresh.Add(session);
        return session;
    }

    private static async Task<AppRunner.Result> OkAsync(CliSession session, params string[] args)
    {
        var result = await session.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"img {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Error}");
        return result;
    }

    /// <summary>Builds the app; returns the progress and the id (the index digest for several platforms).</summary>
    private async Task<(string Progress, string Id)> BuildAsync(CliSession session, params string[] flags)
    {
        var iid = Path.Join(session.Root, $"iid-{Guid.NewGuid():N}");
        var build = await OkAsync(session, ["build", "--progress=plain", "--iidfile", iid, .. flags, App()]);
        output.WriteLine($"img build {string.Join(' ', flags)}:\n{build.Error}");
        return (build.Error, await File.ReadAllTextAsync(iid));
    }

    /// <summary>Each RUN step's name and how it ended (CACHED or DONE).</summary>
    private static Dictionary<string, string> RunSteps(string progress)
    {
        var names = new Dictionary<string, string>();
        var ended = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(progress, @"^#(\d+) (.*)$", RegexOptions.Multiline))
        {
            var (n, rest) = (m.Groups[1].Value, m.Groups[2].Value);
            if (rest == "CACHED" || rest.StartsWith("DONE ", StringComparison.Ordinal))
                ended[n] = rest == "CACHED" ? "CACHED" : "DONE";
            else if (rest.Contains("] RUN ", StringComparison.Ordinal))
                names.TryAdd(n, rest);
        }
        return names.ToDictionary(p => p.Value, p => ended.GetValueOrDefault(p.Key, "?"));
    }

    /// <summary>The RUN steps of both platforms (and the shared stage's once) ran: the first build.</summary>
    private static void AssertEveryRun(string progress, string status)
    {
        Assert.DoesNotContain("WARNING", progress, StringComparison.Ordinal);
        var runs = RunSteps(progress);
        Assert.Contains(runs.Keys, n => n.StartsWith("[linux/amd64 ", StringComparison.Ordinal) && n.EndsWith("RUN uname -m > /arch", StringComparison.Ordinal));
        Assert.Contains(runs.Keys, n => n.StartsWith("[linux/arm64 ", StringComparison.Ordinal) && n.EndsWith("RUN uname -m > /arch", StringComparison.Ordinal));
        Assert.Single(runs.Keys, n => n.EndsWith("RUN echo tools > /tools", StringComparison.Ordinal));
        Assert.True(runs.Values.All(v => v == status), $"every RUN step should be {status}:\n{string.Join('\n', runs.Select(r => $"{r.Key}: {r.Value}"))}\n{progress}");
    }

    /// <summary>Records naming an image (one export record per platform).</summary>
    private static int ImageRecords(CacheDescription description) => description.Records.Count(r => r.IsImage);

    [Fact]
    public async Task A_local_cache_of_both_platforms_makes_a_fresh_machine_build_every_step_of_both_cached()
    {
        var dir = Path.Join(_first.Root, "cache");
        var (first, id) = await BuildAsync(_first, "--platform", Platforms, "-t", "app", "--cache-to", $"type=local,dest={dir},mode=max");
        AssertEveryRun(first, "DONE");

        // one cache: one entry in the layout's index, whose description holds both platforms' images
        using (var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(dir, "index.json"))))
        {
            var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
            Assert.Single(manifests);
            var manifest = JsonSerializer.Deserialize<ImageManifest>(await File.ReadAllBytesAsync(BlobPath(dir, manifests[0].GetProperty("digest").GetString()!)))!;
            var description = CacheDescription.Parse(await File.ReadAllBytesAsync(BlobPath(dir, manifest.Config.Digest)));
            Assert.Equal(2, ImageRecords(description));
        }

        var (cached, cachedId) = await BuildAsync(Fresh(), "--platform", Platforms, "-t", "app", "--cache-from", $"type=local,src={dir}");
        AssertEveryRun(cached, "CACHED");
        Assert.Equal(id, cachedId); // the same index: both images came from the cache as they were

        // a single-platform build finds its platform's records in the same cache (the host's without --platform)
        foreach (var platform in new[] { new[] { "--platform", "linux/arm64" }, [] })
        {
            var one = await OkAsync(Fresh(), ["build", "--progress=plain", .. platform, "-t", "app", "--cache-from", $"type=local,src={dir}", App()]);
            var runs = RunSteps(one.Error);
            Assert.Equal(2, runs.Count);
            Assert.True(runs.Values.All(v => v == "CACHED") && !one.Error.Contains("WARNING", StringComparison.Ordinal), $"{string.Join(' ', platform)}:\n{one.Error}");
        }
    }

    [Fact]
    public async Task A_cache_of_one_platform_serves_that_platform_of_a_multi_platform_build_and_the_other_runs()
    {
        var dir = Path.Join(_first.Root, "amd64-cache");
        await OkAsync(_first, "build", "--platform", "linux/amd64", "-t", "app", "--cache-to", $"type=local,dest={dir}", App());

        var fresh = Fresh();
        var (progress, id) = await BuildAsync(fresh, "--platform", Platforms, "-t", "app", "--cache-from", $"type=local,src={dir}");
        var runs = RunSteps(progress);
        Assert.Equal("CACHED", runs.Single(r => r.Key.StartsWith("[linux/amd64 ", StringComparison.Ordinal) && r.Key.EndsWith("RUN uname -m > /arch", StringComparison.Ordinal)).Value);
        Assert.Equal("DONE", runs.Single(r => r.Key.StartsWith("[linux/arm64 ", StringComparison.Ordinal) && r.Key.EndsWith("RUN uname -m > /arch", StringComparison.Ordinal)).Value);
        Assert.DoesNotContain("WARNING", progress, StringComparison.Ordinal);

        // the amd64 image came from the cache, whole: the store holds every blob of both platforms
        var stored = (await fresh.ImageAsync("docker.io/library/app:latest"))!.Target;
        Assert.Equal(id, stored.Digest);
        var index = JsonSerializer.Deserialize<ImageIndex>(await fresh.Content.ReadAllBytesAsync(stored))!;
        Assert.Equal(2, index.Manifests.Count);
        Assert.Equal((await _first.ImageAsync("docker.io/library/app:latest"))!.Target.Digest, index.Manifests[0].Digest);
        foreach (var entry in index.Manifests)
        {
            var manifest = JsonSerializer.Deserialize<ImageManifest>(await fresh.Content.ReadAllBytesAsync(entry))!;
            foreach (var blob in manifest.Layers.Append(manifest.Config))
                Assert.True(await fresh.HasBlobAsync(blob.Digest), $"{entry.Platform}: {blob.Digest} is not in the store");
        }
    }

    private static string BlobPath(string layout, string digest) => Path.Join(layout, "blobs", "sha256", digest["sha256:".Length..]);

    [Fact]
    public async Task A_registry_cache_in_mode_max_is_one_manifest_for_both_platforms_and_serves_every_step()
    {
        var reference = _repository + "/app:cache";
        var (first, id) = await BuildAsync(_first, "--platform", Platforms, "-t", "app", "--cache-to", $"type=registry,ref={reference},mode=max");
        AssertEveryRun(first, "DONE");

        using (var client = new RegistryClient(registries.Anonymous.Host))
        {
            var repository = reference[(registries.Anonymous.Host.Length + 1)..^":cache".Length];
            var manifest = await client.GetManifestAsync(repository, "cache");
            Assert.False(manifest.IsIndex);
            var document = JsonSerializer.Deserialize<ImageManifest>(manifest.Content)!;
            Assert.StartsWith(CacheDescription.MediaTypePrefix, document.Config.MediaType, StringComparison.Ordinal);
            using var config = new MemoryStream();
            await client.GetBlobAsync(repository, document.Config, config);
            var description = CacheDescription.Parse(config.ToArray());
            Assert.Equal(2, ImageRecords(description));
        }

        var (cached, cachedId) = await BuildAsync(Fresh(), "--platform", Platforms, "-t", "app", "--cache-from", reference);
        AssertEveryRun(cached, "CACHED");
        Assert.Equal(id, cachedId);
    }

    [Fact]
    public async Task An_inline_cache_is_in_each_platforms_config_and_serves_a_fresh_machine()
    {
        var image = _repository + "/app:1";
        var (first, id) = await BuildAsync(_first, "--platform", Platforms, "-t", image, "--push", "--cache-to", "type=inline");
        AssertEveryRun(first, "DONE");

        using (var client = new RegistryClient(registries.Anonymous.Host))
        {
            var repository = image[(registries.Anonymous.Host.Length + 1)..^":1".Length];
            var root = await client.GetManifestAsync(repository, "1");
            Assert.True(root.IsIndex);
            Assert.Equal(id, root.Digest);
            var caches = new List<CacheDescription>();
            foreach (var entry in JsonSerializer.Deserialize<ImageIndex>(root.Content)!.Manifests)
            {
                var manifest = JsonSerializer.Deserialize<ImageManifest>((await client.GetChildManifestAsync(repository, entry)).Content)!;
                using var config = new MemoryStream();
                await client.GetBlobAsync(repository, manifest.Config, config);
                var description = InlineCache.Extract(config.ToArray());
                Assert.True(description is not null, $"the {entry.Platform} image carries no inline cache");
                // its own chain: its export record (the image carrying it), its RUN, COPY and base
                Assert.Single(description.Records, r => r.CarrierImage);
                caches.Add(description);
            }
            Assert.Equal(2, caches.Count);
            Assert.Empty(caches[0].Records.Select(r => r.Key).Intersect(caches[1].Records.Select(r => r.Key)));
        }

        var (cached, cachedId) = await BuildAsync(Fresh(), "--platform", Platforms, "-t", "app", "--cache-from", image);
        AssertEveryRun(cached, "CACHED");
        Assert.Equal(id, cachedId);
    }
}
