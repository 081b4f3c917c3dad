namespace Img.Cli.Tests.Images;

/// <summary>
/// <c>img ls --filter</c> as <c>docker images --filter</c>: before/since by the config's created
/// time, label (key, or key and value), dangling, and docker's wording for bad filters. Images are
/// built (runc not needed: LABEL steps only) with <c>SOURCE_DATE_EPOCH</c> fixing their created time.
/// </summary>
public sealed class LsFilterTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task BuildAsync(string name, long epoch, string labels)
    {
        var context = _img.WriteContext($"FROM scratch\nLABEL {labels}\n", "ctx-" + name);
        await _img.OkAsync("build", "-q", "-t", name, "--build-arg", $"SOURCE_DATE_EPOCH={epoch}", context);
    }

    private async Task<string[]> NamesAsync(params string[] filters)
    {
        var args = new List<string> { "ls", "--format", "{{.Name}}" };
        foreach (var f in filters)
            args.AddRange(["--filter", f]);
        var r = await _img.OkAsync([.. args]);
        return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    private async Task ThreeImagesAsync()
    {
        await BuildAsync("old", 1_000_000_000, "tier=db team=core");
        await BuildAsync("mid", 1_100_000_000, "tier=web");
        await BuildAsync("new", 1_200_000_000, "other=x");
    }

    [Fact]
    public async Task Before_and_since_compare_created_times_strictly()
    {
        await ThreeImagesAsync();
        Assert.Equal(["old:latest"], await NamesAsync("before=mid"));
        Assert.Equal(["new:latest"], await NamesAsync("since=mid"));
        Assert.Equal(["mid:latest"], await NamesAsync("since=old", "before=new"));
        Assert.Empty(await NamesAsync("before=old"));
        // an image id works as well as a name
        var id = (await _img.OkAsync("inspect", "--format", "{{.Id}}", "mid")).Out.Trim();
        Assert.Equal(["old:latest"], await NamesAsync("before=" + id["sha256:".Length..][..12]));
    }

    [Fact]
    public async Task Label_filters_match_a_key_or_a_key_and_value_and_all_must_hold()
    {
        await ThreeImagesAsync();
        Assert.Equal(["mid:latest", "old:latest"], await NamesAsync("label=tier"));
        Assert.Equal(["old:latest"], await NamesAsync("label=tier=db"));
        Assert.Equal(["old:latest"], await NamesAsync("label=tier", "label=team=core"));
        Assert.Empty(await NamesAsync("label=tier=cache"));
        Assert.Equal(["mid:latest"], await NamesAsync("label=tier", "reference=m*"));
    }

    [Fact]
    public async Task Dangling_true_lists_nothing_since_every_image_is_named()
    {
        await ThreeImagesAsync();
        Assert.Empty(await NamesAsync("dangling=true"));
        Assert.Equal(["mid:latest", "new:latest", "old:latest"], await NamesAsync("dangling=false"));
        Assert.Equal(["mid:latest", "new:latest", "old:latest"], await NamesAsync("dangling=0"));
    }

    [Theory]
    [InlineData("nope=1", 1, "ERROR: invalid filter 'nope'\n")]
    [InlineData("dangling=maybe", 1, "ERROR: invalid filter 'dangling=[maybe]'\n")]
    [InlineData("before", 125, "invalid argument \"before\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'img ls --help'.\n")]
    [InlineData("since=missing", 1, "ERROR: No such image: missing:latest\n")]
    public async Task Bad_filters_are_worded_as_docker(string filter, int exitCode, string error)
    {
        await BuildAsync("old", 1_000_000_000, "tier=db");
        var r = await _img.RunAsync("ls", "--filter", filter);
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Equal(error, r.Error);
    }
}
