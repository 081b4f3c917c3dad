namespace Img.Cli.Tests.Build;

/// <summary>
/// What a build of several platforms still refuses before anything runs, now that
/// <c>--cache-from</c>/<c>--cache-to</c> are accepted with it: <c>--cluster</c>, and a docker archive
/// (buildx's words). The cache flags never are the reason.
/// </summary>
public sealed class MultiPlatformRefusalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("img-mp-refusal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<AppRunner.Result> BuildAsync(params string[] flags)
    {
        var context = Path.Join(_root, "ctx");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM scratch\n");
        return await AppRunner.RunAsync(["--state", Path.Join(_root, "state"), "build", "--platform", "linux/amd64,linux/arm64",
            "--cache-to", $"type=local,dest={Path.Join(_root, "cache")}", "--cache-from", $"type=local,src={Path.Join(_root, "cache")}", .. flags, context]);
    }

    [Fact]
    public async Task Cluster_is_still_refused_for_several_platforms_and_not_because_of_the_cache()
    {
        var r = await BuildAsync("--cluster", "127.0.0.1:1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("a build of several platforms is not supported yet with --cluster", r.Error);
        Assert.DoesNotContain("--cache", r.Error);
    }

    [Fact]
    public async Task A_docker_archive_is_still_refused_for_several_platforms()
    {
        var r = await BuildAsync("-o", $"type=docker,dest={Path.Join(_root, "out.tar")}");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: docker exporter does not support exporting manifest lists, use the oci exporter instead\n", r.Error);
    }
}
