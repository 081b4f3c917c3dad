using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary><c>img build --push</c> to a real docker-registry on 127.0.0.1, pulled back into a fresh state.</summary>
[Collection(E2ECollection.Name)]
public sealed class PushTests(ImgFixture fixture) : IAsyncLifetime
{
    private RegistryProcess _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryProcess.StartAsync("push", fixture.NewDirectory("registry"), null);

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Push_ThenPullIntoFreshState_SameDigest()
    {
        var img = await fixture.NewStateAsync();
        var reference = $"{_registry.Host}/e2e/pushed:v1";
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            RUN echo pushed > /pushed.txt
            COPY a.txt /a.txt
            """, ("a.txt", "A\n"));
        var push = (await img.BuildAsync(ctx, "-t", reference, "--push")).AssertSuccess();
        Assert.Matches($@"\n#(\d+) exporting to image\n(#\1 [^\n]*\n)*#\1 pushing manifest for {Regex.Escape(reference)}@sha256:[0-9a-f]{{64}}( \d+\.\ds)? done\n", push.Error);
        var built = await img.InspectAsync(reference);
        var manifestDigest = built.GetProperty("Descriptor").GetProperty("digest").GetString()!;

        var other = await fixture.NewStateAsync(withBusybox: false);
        (await other.RunAsync(["pull", reference])).AssertSuccess();
        var pulled = await other.InspectAsync(reference);
        Assert.Equal(manifestDigest, pulled.GetProperty("Descriptor").GetProperty("digest").GetString());
        Assert.Equal(built.GetProperty("Id").GetString(), pulled.GetProperty("Id").GetString());
        Assert.Equal("pushed\n", (await other.UnpackAsync(reference)).Text("/pushed.txt"));

        var skopeo = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + reference)).AssertSuccess();
        Assert.Equal(manifestDigest, skopeo.Out.Trim());
    }
}
