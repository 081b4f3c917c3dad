namespace Img.Cli.Tests.Build;

/// <summary>
/// What a build of several platforms still refuses before anything runs: a cache through
/// <c>--cluster</c> (one process takes it; a cluster's nodes do not yet), and a docker archive
/// (buildx's words).
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
    public async Task A_cache_through_the_cluster_is_refused_before_connecting()
    {
        var r = await BuildAsync("--cluster", "127.0.0.1:1");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: --cache-from and --cache-to are not supported yet with --cluster for a build of several platforms\n", r.Error);
    }

    [Fact]
    public async Task A_docker_archive_is_still_refused_for_several_platforms()
    {
        var r = await BuildAsync("-o", $"type=docker,dest={Path.Join(_root, "out.tar")}");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: docker exporter does not support exporting manifest lists, use the oci exporter instead\n", r.Error);
    }
}
