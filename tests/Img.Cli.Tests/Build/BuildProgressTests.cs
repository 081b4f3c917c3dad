using System.Text.RegularExpressions;
using Img.Cli.Tests.Images;

namespace Img.Cli.Tests.Build;

/// <summary>
/// <c>img build --progress=plain</c> in-process on a real state directory (runc, root): base images
/// pinned by digest, every vertex of a cached build shown CACHED, BuildKit's internal steps.
/// </summary>
public sealed class BuildProgressTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task<string> ImportAsync(params string[] changes)
    {
        var args = new List<string> { "import" };
        foreach (var c in changes)
            args.AddRange(["-c", c]);
        args.AddRange([await BusyboxRootfs.PathAsync(), "busybox:latest"]);
        return (await _img.OkAsync(args.ToArray())).Out.Trim();
    }

    private async Task<string> BuildAsync(string context) =>
        (await _img.OkAsync("build", "--progress=plain", "-t", "app", context)).Error;

    /// <summary>The descriptions of the steps whose status line matches <paramref name="status"/>, in order of their numbers.</summary>
    private static string[] Steps(string progress, string status)
    {
        var names = new SortedDictionary<int, string>();
        var ended = new Dictionary<int, string>();
        foreach (Match m in Regex.Matches(progress, @"^#(\d+) (.*)$", RegexOptions.Multiline))
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var rest = m.Groups[2].Value;
            if (rest == "CACHED" || rest.StartsWith("DONE ", StringComparison.Ordinal) || rest.StartsWith("ERROR", StringComparison.Ordinal))
                ended[n] = rest;
            else if (!Regex.IsMatch(rest, @"^\d+\.\d{3} ") && !names.ContainsKey(n))
                names[n] = rest;
        }
        return names.Where(p => ended.TryGetValue(p.Key, out var e) && Regex.IsMatch(e, "^" + status + "$")).Select(p => p.Value).ToArray();
    }

    private async Task<string> ManifestDigestOfBusyboxAsync()
    {
        var r = await _img.OkAsync("ls");
        return Regex.Match(r.Out, @"^busybox:latest\s.*(sha256:[0-9a-f]{64})$", RegexOptions.Multiline).Groups[1].Value;
    }

    [Fact]
    public async Task A_named_image_context_is_looked_up_under_its_name_as_BuildKit_shows_it()
    {
        await ImportAsync("ENV PATH=/bin");
        var context = _img.WriteContext("FROM tools\nCOPY a.txt /\n");
        var progress = (await _img.OkAsync("build", "--progress=plain", "-t", "app", "--build-context", "tools=docker-image://busybox", context)).Error;
        var done = Steps(progress, @"DONE \d+\.\ds");
        Assert.Contains("[context tools] load metadata for busybox", done);
        Assert.DoesNotContain(done, s => s.Contains("[internal] load metadata", StringComparison.Ordinal));
        Assert.Contains("[context tools] busybox", progress, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retagging_the_base_rebuilds_and_a_cached_build_lists_every_step()
    {
        await ImportAsync("ENV PATH=/bin");
        var context = _img.WriteContext("FROM busybox\nRUN echo hi > /hi\nCOPY a.txt /\n");
        var first = await BuildAsync(context);
        var pinned = "FROM docker.io/library/busybox:latest@" + await ManifestDigestOfBusyboxAsync();
        Assert.Matches(@"^#1 \[internal\] load build definition from Dockerfile\n#1 transferring dockerfile: 44B done\n#1 DONE \d+\.\ds\n\n#2 ", first);
        Assert.Contains("[internal] load metadata for docker.io/library/busybox:latest", Steps(first, @"DONE \d+\.\ds"));
        Assert.Contains("[1/3] " + pinned, first, StringComparison.Ordinal);
        Assert.Contains("[2/3] RUN echo hi > /hi", Steps(first, @"DONE \d+\.\ds"));

        // nothing changed: every Dockerfile step is shown CACHED; as in BuildKit, the context
        // transfer and the exporter are never cached, and the exporter names the image
        var again = await BuildAsync(context);
        var cached = Steps(again, "CACHED");
        Assert.Equal(["[1/3] " + pinned, "[2/3] RUN echo hi > /hi", "[3/3] COPY a.txt /"], cached);
        Assert.Equal(
            ["[internal] load build definition from Dockerfile", "[internal] load metadata for docker.io/library/busybox:latest",
             "[internal] load .dockerignore", "[internal] load build context", "exporting to image"],
            Steps(again, @"DONE \d+\.\ds"));
        Assert.Matches(@"\n#(\d+) \[internal\] load build context\n#\1 transferring context: 2B done\n#\1 DONE \d+\.\ds\n", again);
        Assert.Matches(@"\n#(\d+) exporting to image\n#\1 exporting layers done\n#\1 writing image sha256:[0-9a-f]{64} done\n#\1 naming to docker.io/library/app( \d+\.\ds)? done\n#\1 DONE \d+\.\ds$", again.TrimEnd('\n'));

        // same name, another image: the FROM is pinned to the new digest and the RUN runs again
        await ImportAsync("ENV PATH=/bin", "ENV X=2");
        var retagged = await BuildAsync(context);
        var repinned = "FROM docker.io/library/busybox:latest@" + await ManifestDigestOfBusyboxAsync();
        Assert.NotEqual(pinned, repinned);
        Assert.Contains("[1/3] " + repinned, retagged, StringComparison.Ordinal);
        Assert.Contains("[2/3] RUN echo hi > /hi", Steps(retagged, @"DONE \d+\.\ds"));
        Assert.DoesNotContain("[2/3] RUN echo hi > /hi", Steps(retagged, "CACHED"));
    }
}
