using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>RUN --mount=type=cache and type=secret, RUN --network=none.</summary>
[Collection(E2ECollection.Name)]
public sealed class RunMountTests(ImgFixture fixture)
{
    [Fact]
    public async Task CacheMount_PersistsBetweenBuildsAndProcesses()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            ARG ROUND
            RUN --mount=type=cache,target=/cache echo "round $ROUND" >> /cache/log && cat /cache/log > /seen.txt
            """);
        (await img.BuildAsync(ctx, "-t", "e2e/cache-mount:1", "--build-arg", "ROUND=1")).AssertSuccess();
        (await img.BuildAsync(ctx, "-t", "e2e/cache-mount:2", "--build-arg", "ROUND=2")).AssertSuccess();

        Assert.Equal("round 1\n", (await img.UnpackAsync("e2e/cache-mount:1")).Text("/seen.txt"));
        var second = await img.UnpackAsync("e2e/cache-mount:2");
        Assert.Equal("round 1\nround 2\n", second.Text("/seen.txt"));
        Assert.False(second.Has("/cache/log"), "the cache mount's contents are not in the layer");
    }

    [Fact]
    public async Task SecretMount_IsReadable_ButNotInTheLayer_AndNetworkNoneSeesOnlyLoopback()
    {
        var img = await fixture.NewStateAsync();
        var secretFile = Path.Combine(fixture.NewDirectory("secret"), "token");
        await File.WriteAllTextAsync(secretFile, "s3cr3t-value");
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            RUN --mount=type=secret,id=tok cat /run/secrets/tok | wc -c > /secret-length.txt
            RUN --mount=type=secret,id=tok,target=/custom/place grep -c s3cr3t /custom/place > /secret-found.txt
            RUN --network=none ip -o link show | sed 's/^[0-9]*: \([^:@]*\).*/\1/' > /links.txt
            """);
        var build = (await img.BuildAsync(ctx, "-t", "e2e/secret", "--secret", $"id=tok,src={secretFile}")).AssertSuccess();
        Assert.DoesNotContain("s3cr3t-value", build.Error + build.Out);

        var fs = await img.UnpackAsync("e2e/secret");
        Assert.Equal("12", fs.Text("/secret-length.txt").Trim());
        Assert.Equal("1", fs.Text("/secret-found.txt").Trim());
        Assert.Equal("lo\n", fs.Text("/links.txt"));
        Assert.False(fs.Has("/run/secrets/tok"));
        Assert.False(fs.Has("/custom/place"));
        foreach (var entry in fs.Entries.Values.Where(e => e.Type == 'f' && e.Size < 1 << 20))
            Assert.DoesNotContain("s3cr3t-value", await File.ReadAllTextAsync(Path.Combine(fs.Root, entry.Path.TrimStart('/'))));
    }

    [Fact]
    public async Task MissingSecret_FailsTheRun_WithTheSecretId()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent
            """);
        var result = (await img.BuildAsync(ctx, "-t", "e2e/no-secret")).AssertFailure();
        Assert.Contains("absent", result.Error);
        Assert.DoesNotContain("e2e/no-secret:latest", await img.ListAsync());
    }
}
