using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Registry;

/// <summary>Failed pulls and pushes: clear message naming the reference, exit code, and a store left as it was.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryErrorTests(RegistryFixture registries) : IDisposable
{
    private readonly CliSession _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Repo() => $"err/{Guid.NewGuid():N}"[..20];

    /// <summary>An image already in the store, which every failure must leave alone.</summary>
    private async Task<string> SeedAsync()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}:seed";
        await _cli.ImportAsync(name);
        return name;
    }

    [Fact]
    public async Task Pull_of_an_unknown_tag_says_manifest_unknown_and_keeps_the_store()
    {
        var seed = await SeedAsync();
        var before = await _cli.ImageAsync(seed);
        var name = $"{registries.Anonymous.Host}/{Repo()}:nope";

        var result = await _cli.RunAsync("pull", name);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith($"ERROR: manifest unknown: {name}\n", result.Error);
        Assert.Equal([seed], await _cli.ImageNamesAsync());
        Assert.Equal(before!.Target, (await _cli.ImageAsync(seed))!.Target);
    }

    [Theory]
    [InlineData("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase")]
    [InlineData("busybox:", "invalid reference format")]
    [InlineData("busybox@sha256:abc", "invalid reference format")]
    public async Task Pull_of_a_bad_reference_gives_the_reason(string reference, string reason)
    {
        var result = await _cli.RunAsync("pull", reference);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"ERROR: {reason}", result.Error);
        Assert.Contains(reference, result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Pull_and_push_check_their_arguments_and_flags()
    {
        var none = await _cli.RunAsync("pull");
        var unknown = await _cli.RunAsync("push", "--bogus", "x");
        var platform = await _cli.RunAsync("pull", "--platform", "linux/", "x");
        var digest = await _cli.RunAsync("push", $"busybox@sha256:{new string('a', 64)}");
        var tagged = await _cli.RunAsync("push", "-a", "busybox:1");

        Assert.Equal(1, none.ExitCode);
        Assert.StartsWith("\"img pull\" requires exactly 1 argument.\nSee 'img pull --help'.\n\nUsage:  img pull [OPTIONS] NAME[:TAG|@DIGEST]\n", none.Error);
        Assert.Equal((125, "unknown flag: --bogus\nSee 'img push --help'.\n"), (unknown.ExitCode, unknown.Error));
        Assert.Equal(1, platform.ExitCode);
        Assert.StartsWith("ERROR: ", platform.Error);
        Assert.Equal(1, digest.ExitCode);
        Assert.Contains("cannot push a digest reference", digest.Error);
        Assert.Equal((1, "ERROR: tag can't be used with --all-tags/-a\n"), (tagged.ExitCode, tagged.Error));
    }

    [Fact]
    public async Task Push_of_an_image_not_in_the_store_names_it()
    {
        var seed = await SeedAsync();
        var name = $"{registries.Anonymous.Host}/{Repo()}";

        var result = await _cli.RunAsync("push", name + ":v9");
        var all = await _cli.RunAsync("push", "-a", name);

        Assert.Equal((1, $"ERROR: An image does not exist locally with the tag: {name}\n"), (result.ExitCode, result.Error));
        Assert.Equal((1, $"ERROR: An image does not exist locally with the tag: {name}\n"), (all.ExitCode, all.Error));
        Assert.Equal([seed], await _cli.ImageNamesAsync());
    }

    [Fact]
    public async Task Pull_of_a_corrupted_blob_fails_with_a_digest_error_and_stores_nothing_of_it()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}";
        await _cli.ImportAsync(name, fileSize: 256 * 1024);
        Assert.Equal(0, (await _cli.RunAsync("push", name)).ExitCode);
        var image = (await _cli.ImageAsync(name + ":latest"))!;
        var layer = (await _cli.ManifestAsync(image)).Layers.Single();
        var data = registries.Anonymous.BlobDataPath(layer.Digest);
        var bytes = await File.ReadAllBytesAsync(data);
        bytes[bytes.Length / 2] ^= 0xFF; // same size, different content
        await File.WriteAllBytesAsync(data, bytes);

        using var other = _cli.WithFreshState();
        var seed = $"{registries.Anonymous.Host}/{Repo()}:seed";
        await other.ImportAsync(seed);
        var pull = await other.RunAsync("pull", name);

        Assert.Equal(1, pull.ExitCode);
        Assert.Contains("ERROR: digest mismatch", pull.Error);
        Assert.Contains(layer.Digest, pull.Error);
        Assert.DoesNotContain("Status:", pull.Out);
        Assert.Equal([seed], await other.ImageNamesAsync());
        Assert.False(await other.HasBlobAsync(layer.Digest));
        Assert.False(await other.HasBlobAsync(image.Target.Digest));
        Assert.Empty(Directory.EnumerateFiles(other.Content.IngestDirectory, "*", SearchOption.AllDirectories));

        var retry = await other.RunAsync("ls", "-q");
        Assert.Equal(0, retry.ExitCode);
    }

    [Fact]
    public async Task Pull_from_a_registry_that_is_down_fails_clearly()
    {
        var host = $"127.0.0.1:{FreePort.Next()}";
        var result = await _cli.RunAsync("pull", $"{host}/app:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(host, result.Error);
        Assert.Empty(await _cli.ImageNamesAsync());
    }
}
