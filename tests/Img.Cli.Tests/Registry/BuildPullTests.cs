using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Registry;

/// <summary>
/// <c>img build --pull</c> against a real registry: a base image tag the local store already has
/// is used as it is without <c>--pull</c> (the way docker build reuses a local image), and
/// resolved at the registry again with it (BuildKit's force-pull resolve mode).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class BuildPullTests(RegistryFixture registries) : IDisposable
{
    private readonly CliSession _builder = new();
    private readonly CliSession _publisher = new();

    public void Dispose()
    {
        _builder.Dispose();
        _publisher.Dispose();
    }

    private async Task<string> PublishBaseAsync(string name)
    {
        await _publisher.ImportAsync(name);
        var push = await _publisher.RunAsync("push", "-q", name);
        Assert.True(push.ExitCode == 0, push.Error);
        return (await _publisher.ManifestAsync((await _publisher.ImageAsync(name))!)).Layers[0].Digest;
    }

    private async Task<string> FirstLayerBlobOfBuildAsync(string context, params string[] flags)
    {
        var build = await _builder.RunAsync(["build", "--progress=plain", "-t", "app", .. flags, context]);
        Assert.True(build.ExitCode == 0, build.Error);
        return (await _builder.ManifestAsync((await _builder.ImageAsync("docker.io/library/app:latest"))!)).Layers[0].Digest;
    }

    [Fact]
    public async Task Pull_resolves_a_base_tag_at_the_registry_even_when_the_store_has_it()
    {
        var name = $"{registries.Anonymous.Host}/pull/{Guid.NewGuid():N}"[..40] + ":latest";
        var first = await PublishBaseAsync(name);
        var context = Path.Combine(_builder.Root, "ctx");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {name}\nCOPY Dockerfile /\n");

        Assert.Equal(first, await FirstLayerBlobOfBuildAsync(context));

        // the tag moves on at the registry
        var second = await PublishBaseAsync(name);
        Assert.NotEqual(first, second);

        Assert.Equal(first, await FirstLayerBlobOfBuildAsync(context));
        Assert.Equal(second, await FirstLayerBlobOfBuildAsync(context, "--pull"));
        // the store's tag now names what was pulled: later builds use it without --pull
        Assert.Equal(second, await FirstLayerBlobOfBuildAsync(context));
    }
}
