using System.Formats.Tar;
using System.Text.Json;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// <c>COPY --link</c> as BuildKit builds it: the copy lands on scratch, its own layer, stacked on
/// the stage; a change below it leaves the copy CACHED and its layer blob the same.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class LinkTests(ImgFixture fixture)
{
    private const string Dockerfile = """
        FROM busybox
        ARG BASE=one
        RUN echo $BASE > /base.txt && ln -s /tmp /linked
        WORKDIR /srv
        COPY --link --chown=1000:1000 a.txt rel/
        COPY --link b.txt /deep/er/b.txt
        ADD --link b.txt /linked/b.txt
        RUN cat /srv/rel/a.txt /deep/er/b.txt /base.txt > /seen && stat -c %u:%g /srv >> /seen && test -d /linked -a ! -L /linked
        """;

    // progress names show ARG values expanded, as BuildKit's
    private const string RebasedRun = "[2/7] RUN echo two > /base.txt && ln -s /tmp /linked";
    private static readonly string[] Copies =
    [
        "[4/7] COPY --link --chown=1000:1000 a.txt rel/",
        "[5/7] COPY --link b.txt /deep/er/b.txt",
        "[6/7] ADD --link b.txt /linked/b.txt",
    ];

    [Fact]
    public async Task A_linked_copy_stays_cached_and_keeps_its_layer_blob_when_the_base_changes()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));

        var first = (await img.BuildAsync(ctx, "-t", "e2e/link")).AssertSuccess();
        var steps = ProgressLog.DockerfileSteps(first.Error);
        Assert.All(Copies, c => Assert.Equal("DONE", steps.GetValueOrDefault(c, "missing")));
        Assert.All(Copies, c => Assert.Equal("DONE", steps.GetValueOrDefault("[" + c[1..4] + "] LINK " + c[6..], "missing")));
        var firstLayers = await ManifestLayersAsync(img, "e2e/link");

        // each linked layer holds only what it copied, parents made on scratch (owned by --chown, as
        // BuildKit's copy creates them), relative to WORKDIR
        var layers = await LayerReader.ReadAsync(img, "e2e/link");
        Assert.Equal(7, layers.Count); // busybox, RUN, WORKDIR, three links, RUN
        Assert.Equal(["srv/ Directory 755 1000:1000 0 ", "srv/rel/ Directory 755 1000:1000 0 ", "srv/rel/a.txt RegularFile 644 1000:1000 2 "], layers[3]);
        Assert.Equal(["deep/ Directory 755 0:0 0 ", "deep/er/ Directory 755 0:0 0 ", "deep/er/b.txt RegularFile 644 0:0 2 "], layers[4]);
        Assert.Equal(["linked/ Directory 755 0:0 0 ", "linked/b.txt RegularFile 644 0:0 2 "], layers[5]);

        // stacked, not copied into the base: a linked directory replaces the base's symlink, the
        // directory's attributes are the linked layer's, the rest of the base shows through
        var tree = await img.UnpackAsync("e2e/link");
        Assert.Equal("A\nB\none\n1000:1000\n", tree.Text("/seen"));
        Assert.Equal('d', tree["/linked"].Type);
        Assert.False(tree.Has("/tmp/b.txt"));
        Assert.Equal(1000, tree["/srv"].Uid);
        Assert.True(tree.Has("/bin/busybox"));

        // the base changes: the copies are CACHED, only the merges and the steps on them run, and
        // the image carries the very same linked blobs
        var rebased = (await img.BuildAsync(ctx, "-t", "e2e/link", "--build-arg", "BASE=two")).AssertSuccess();
        steps = ProgressLog.DockerfileSteps(rebased.Error);
        Assert.Equal("DONE", steps[RebasedRun]);
        Assert.All(Copies, c => Assert.Equal("CACHED", steps.GetValueOrDefault(c, "missing")));
        var rebasedLayers = await ManifestLayersAsync(img, "e2e/link");
        Assert.NotEqual(firstLayers[1], rebasedLayers[1]);
        Assert.Equal(firstLayers[3..6], rebasedLayers[3..6]);
        Assert.Equal("A\nB\ntwo\n1000:1000\n", (await img.UnpackAsync("e2e/link")).Text("/seen"));

        // without --link the copy depends on what is below it: it runs again; and it follows the
        // base's symlink (b.txt lands in /tmp), which a linked copy cannot see
        var plainDockerfile = Dockerfile.Replace("--link ", "", StringComparison.Ordinal)
            .Replace("test -d /linked -a ! -L /linked", "test -L /linked -a -f /tmp/b.txt", StringComparison.Ordinal);
        var plain = ContextDir.Create(fixture, plainDockerfile, ("a.txt", "A\n"), ("b.txt", "B\n"));
        (await img.BuildAsync(plain, "-t", "e2e/nolink")).AssertSuccess();
        var plainAgain = (await img.BuildAsync(plain, "-t", "e2e/nolink", "--build-arg", "BASE=three")).AssertSuccess();
        Assert.Equal("DONE", ProgressLog.DockerfileSteps(plainAgain.Error)["[5/7] COPY b.txt /deep/er/b.txt"]);
    }

    [Fact]
    public async Task Link_with_a_user_name_fails_as_BuildKit_does_since_scratch_has_no_passwd()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nCOPY --link --chown=nobody a.txt /a.txt\n", ("a.txt", "A\n"));
        var result = await img.BuildAsync(ctx, "-t", "e2e/link-name");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("invalid missing user mount", result.Error);
    }

    [Fact]
    public async Task The_link_step_stacks_the_copy_without_copying_it_again()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, "FROM busybox\nCOPY --link big.txt /big.txt\nRUN test -s /big.txt\n", ("big.txt", new string('x', 300 * 1024)));
        (await img.BuildAsync(ctx, "-t", "e2e/link-big")).AssertSuccess();
        var du = (await img.RunAsync(["du"])).AssertSuccess().Out.Split('\n');
        static long Size(string row)
        {
            var size = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
            var digits = new string(size.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
            var factor = size[digits.Length..] switch { "B" => 1, "KiB" => 1024, "MiB" => 1 << 20, _ => 1 << 30 };
            return (long)(double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * factor);
        }
        var copy = du.Single(r => r.EndsWith("[2/3] COPY --link big.txt /big.txt", StringComparison.Ordinal));
        var link = du.Single(r => r.EndsWith("[2/3] LINK COPY --link big.txt /big.txt", StringComparison.Ordinal));
        Assert.True(Size(copy) >= 300 * 1024, copy);
        Assert.True(Size(link) < 64 * 1024, $"the LINK step holds a copy: {link}");
    }

    /// <summary>The layer blob digests of the image's manifest, from <c>img save --format oci</c>.</summary>
    private static async Task<string[]> ManifestLayersAsync(ImgCli img, string image)
    {
        var archive = Path.Combine(img.Fixture.NewDirectory("save"), "image.tar");
        (await img.RunAsync(["save", "--format", "oci", "-o", archive, image])).AssertSuccess();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var file = File.OpenRead(archive))
        {
            using var tar = new TarReader(file);
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is null || entry.Length > 1 << 20) continue;
                using var ms = new MemoryStream();
                await entry.DataStream.CopyToAsync(ms);
                files[entry.Name.TrimStart('.', '/')] = ms.ToArray();
            }
        }
        using var index = JsonDocument.Parse(files["index.json"]);
        var manifest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var doc = JsonDocument.Parse(files["blobs/sha256/" + manifest["sha256:".Length..]]);
        return doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToArray();
    }
}
