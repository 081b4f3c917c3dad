using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Registry;

/// <summary><c>img push</c> and <c>img pull</c> of images made with <c>img import</c>, against real registries.</summary>
[Collection(RegistryCollection.Name)]
public sealed class PullPushCommandTests(RegistryFixture registries) : IDisposable
{
    private readonly CliSession _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Repo() => $"cli/{Guid.NewGuid():N}"[..20];

    private async Task LoginAsync(string host)
    {
        var result = await _cli.RunWithStdinAsync(RegistryFixture.Password, "login", "-u", RegistryFixture.User, "--password-stdin", host);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task Push_then_pull_into_a_fresh_state_keeps_every_digest_and_skopeo_agrees()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}";
        await _cli.ImportAsync(name, files: 3);
        var local = (await _cli.ImageAsync(name + ":latest"))!;
        var localLayers = (await _cli.ManifestAsync(local)).Layers.Select(l => l.Digest).ToList();

        var push = await _cli.RunAsync("push", name);

        Assert.True(push.ExitCode == 0, push.Error);
        var shortId = localLayers[0]["sha256:".Length..][..12];
        Assert.Equal(
            $"Using default tag: latest\nThe push refers to repository [{name}]\n{shortId}: Pushed\n" +
            $"latest: digest: {local.Target.Digest} size: {local.Target.Size}\n", push.Out);
        var (remoteDigest, remoteLayers) = await _cli.SkopeoInspectAsync(name + ":latest");
        Assert.Equal(local.Target.Digest, remoteDigest);
        Assert.Equal(localLayers, remoteLayers);

        using var other = _cli.WithFreshState();
        var pull = await other.RunAsync("pull", name);

        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Equal(
            $"Using default tag: latest\nlatest: Pulling from {name[(registries.Anonymous.Host.Length + 1)..]}\n{shortId}: Pull complete\n" +
            $"Digest: {local.Target.Digest}\nStatus: Downloaded newer image for {name}:latest\n{name}:latest\n", pull.Out);
        var pulled = (await other.ImageAsync(name + ":latest"))!;
        Assert.Equal(local.Target.Digest, pulled.Target.Digest);
        Assert.Equal(localLayers, (await other.ManifestAsync(pulled)).Layers.Select(l => l.Digest));
        var config = (await other.ManifestAsync(pulled)).Config;
        Assert.True(await other.HasBlobAsync(config.Digest));
    }

    [Fact]
    public async Task Pull_of_an_index_keeps_every_platform_ls_and_inspect_show_it_and_push_sends_it_whole()
    {
        var host = Engine.Platforms.PlatformSpec.Default().Architecture;
        var other = host == "amd64" ? "arm64" : "amd64";
        var repo = Repo();
        using var clients = new Engine.Registry.RegistryClients();
        var client = clients.Get(registries.Anonymous.Host);
        var native = TestImage.Create(true, host);
        var foreign = TestImage.Create(true, other, layers: 2);
        await native.PushAsync(client, repo, null);
        await foreign.PushAsync(client, repo, null);
        var (index, mediaType) = TestImage.IndexOf(true, native, foreign);
        var indexDigest = await client.PutManifestAsync(repo, "v1", index, mediaType);
        var name = $"{registries.Anonymous.Host}/{repo}:v1";

        var pull = await _cli.RunAsync("pull", name);
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Contains($"Digest: {indexDigest}\nStatus: Downloaded newer image for {name}\n", pull.Out);
        var image = (await _cli.ImageAsync(name))!;
        Assert.Equal(indexDigest, image.Target.Digest);
        foreach (var blob in foreign.Layers.Append(foreign.Config).Concat(native.Layers))
            Assert.True(await _cli.HasBlobAsync(blob.Digest), blob.Digest);

        var ls = await _cli.RunAsync("ls", "--format", "{{.Name}} {{.Digest}}");
        Assert.Contains($"{name} {indexDigest}\n", ls.Out);
        var inspect = await _cli.RunAsync("inspect", "--format", "{{.Architecture}} {{json .RepoDigests}}", name);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Equal($"{host} [\"{registries.Anonymous.Host}/{repo}@{indexDigest}\"]\n", inspect.Out);
        var inspectOther = await _cli.RunAsync("inspect", "--platform", $"linux/{other}", "--format", "{{.Architecture}}", name);
        Assert.Equal($"{other}\n", inspectOther.Out);

        var copyRepository = $"{registries.Anonymous.Host}/{Repo()}";
        var copy = copyRepository + ":v2";
        Assert.Equal(0, (await _cli.RunAsync("tag", name, copy)).ExitCode);
        var push = await _cli.RunAsync("push", copy);
        Assert.True(push.ExitCode == 0, push.Error);
        Assert.EndsWith($"v2: digest: {indexDigest} size: {index.Length}\n", push.Out);
        var (remoteDigest, _) = await _cli.SkopeoInspectAsync(copyRepository + "@" + foreign.Digest);
        Assert.Equal(foreign.Digest, remoteDigest);

        // --platform picks one platform: the record is that platform's manifest.
        using var one = _cli.WithFreshState();
        var single = await one.RunAsync("pull", "--platform", $"linux/{other}", name);
        Assert.True(single.ExitCode == 0, single.Error);
        Assert.Equal(foreign.Digest, (await one.ImageAsync(name))!.Target.Digest);
        Assert.False(await one.HasBlobAsync(native.Layers[0].Digest));
    }

    [Fact]
    public async Task Push_again_says_layer_already_exists_and_pull_again_says_up_to_date()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}:v1";
        await _cli.ImportAsync(name);
        Assert.Equal(0, (await _cli.RunAsync("push", name)).ExitCode);

        var again = await _cli.RunAsync("push", name);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains(": Layer already exists\n", again.Out);
        Assert.DoesNotContain("Using default tag", again.Out);

        var pull = await _cli.RunAsync("pull", name);
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Contains($"Status: Image is up to date for {name}\n", pull.Out);
    }

    [Fact]
    public async Task Quiet_push_and_pull_print_only_the_canonical_name()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}";
        await _cli.ImportAsync(name);

        var push = await _cli.RunAsync("push", "-q", name);
        using var other = _cli.WithFreshState();
        var pull = await other.RunAsync("pull", "--quiet", name);

        Assert.Equal((0, $"{name}:latest\n"), (push.ExitCode, push.Out));
        Assert.Equal((0, $"{name}:latest\n"), (pull.ExitCode, pull.Out));
    }

    [Fact]
    public async Task Pull_by_digest_stores_the_image_under_the_digest_name()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}";
        await _cli.ImportAsync(name);
        Assert.Equal(0, (await _cli.RunAsync("push", name)).ExitCode);
        var digest = (await _cli.ImageAsync(name + ":latest"))!.Target.Digest;

        using var other = _cli.WithFreshState();
        var pull = await other.RunAsync("pull", "--platform", "linux/amd64", $"{name}@{digest}");

        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.DoesNotContain("Using default tag", pull.Out);
        Assert.StartsWith($"{digest}: Pulling from ", pull.Out);
        Assert.EndsWith($"{name}@{digest}\n", pull.Out);
        Assert.Equal([$"{name}@{digest}"], await other.ImageNamesAsync());
    }

    [Fact]
    public async Task Push_all_tags_pushes_every_tag_of_the_repository()
    {
        var name = $"{registries.Anonymous.Host}/{Repo()}";
        await _cli.ImportAsync(name + ":a");
        await _cli.ImportAsync(name + ":b");

        var push = await _cli.RunAsync("push", "--all-tags", name);

        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Contains("a: digest: sha256:", push.Out);
        Assert.Contains("b: digest: sha256:", push.Out);
        Assert.Equal((await _cli.ImageAsync(name + ":b"))!.Target.Digest, (await _cli.SkopeoInspectAsync(name + ":b")).Digest);
    }

    [Fact]
    public async Task Htpasswd_registry_needs_a_login_for_push_and_pull()
    {
        var name = $"{registries.Basic.Host}/{Repo()}";
        await _cli.ImportAsync(name);

        var anonymous = await _cli.RunAsync("push", name);
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("unauthorized: authentication required", anonymous.Error);

        await LoginAsync(registries.Basic.Host);
        var push = await _cli.RunAsync("push", name);
        Assert.True(push.ExitCode == 0, push.Error);

        using var stranger = new CliSession();
        var denied = await stranger.RunAsync("pull", name);
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("unauthorized: authentication required", denied.Error);
        Assert.Contains(name, denied.Error);
        Assert.Empty(await stranger.ImageNamesAsync());

        using var other = _cli.WithFreshState();
        var pull = await other.RunAsync("pull", name);
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Equal((await _cli.ImageAsync(name + ":latest"))!.Target.Digest, (await other.ImageAsync(name + ":latest"))!.Target.Digest);
    }

    [Fact]
    public async Task Token_registry_push_needs_a_login_and_pull_works_after_it()
    {
        var name = $"{registries.Token.Host}/{Repo()}:v2";
        await _cli.ImportAsync(name, files: 2);

        var anonymous = await _cli.RunAsync("push", name);
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("unauthorized", anonymous.Error);

        await LoginAsync(registries.Token.Host);
        var push = await _cli.RunAsync("push", name);
        Assert.True(push.ExitCode == 0, push.Error);
        Assert.Contains(": Pushed\n", push.Out);

        using var other = _cli.WithFreshState();
        var pull = await other.RunAsync("pull", name);
        Assert.True(pull.ExitCode == 0, pull.Error);
        Assert.Equal((await _cli.ImageAsync(name))!.Target.Digest, (await other.ImageAsync(name))!.Target.Digest);
        Assert.Contains(registries.TokenService.Requests, r => r.User == RegistryFixture.User && r.Scopes.Any(s => s.EndsWith(":pull", StringComparison.Ordinal)));
    }
}
