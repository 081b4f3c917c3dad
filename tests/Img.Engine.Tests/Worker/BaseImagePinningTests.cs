using Img.Engine.Graph;
using Img.Engine.Images;
using Img.Engine.Solver;
using Img.Engine.Worker.Sources;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>
/// FROM is pinned to the image the name resolves to at conversion: re-tagging the name to another
/// image changes the cache keys (a rebuild), the same image keeps them; the worker finds a pinned
/// image by digest whatever it is called now.
/// </summary>
public sealed class BaseImagePinningTests
{
    private const string Dockerfile = "FROM busybox\nRUN echo \"$MARK\" > /mark\n";

    private static async Task<(IReadOnlyDictionary<OpDigest, CacheKey> Keys, Img.Engine.Frontend.Dockerfile.Conversion.ConversionResult Conversion)> KeysAsync(WorkerHarness h)
    {
        var conversion = await h.ConvertAsync(Dockerfile);
        return (await CacheKeyCalculator.ComputeAsync(conversion.Graph, h.Executor.Checksums, CancellationToken.None), conversion);
    }

    private static SourceOp ImageSource(Img.Engine.Frontend.Dockerfile.Conversion.ConversionResult r) =>
        r.Graph.Vertices.Select(v => v.Op).OfType<SourceOp>().Single(s => s.SourceKind == SourceKind.Image);

    [Fact]
    public async Task Retagging_the_base_changes_the_keys_and_the_build_uses_the_new_image()
    {
        using var h = await WorkerHarness.CreateAsync();
        var (first, c1) = await KeysAsync(h);
        var (again, c2) = await KeysAsync(h);
        Assert.Equal(first[c1.Graph.Target.Digest], again[c2.Graph.Target.Digest]);
        Assert.Equal(WorkerHarness.BusyboxName + "@" + h.BaseManifest!.Digest, ImageSource(c1).Identifier);

        var replaced = await h.ImportBusyboxAsync(WorkerHarness.BusyboxName, WorkerHarness.BaseCreated.AddDays(1), ["MARK=new"]);
        var (second, c3) = await KeysAsync(h);
        Assert.Equal(WorkerHarness.BusyboxName + "@" + replaced.Digest, ImageSource(c3).Identifier);
        Assert.NotEqual(first[c1.Graph.Target.Digest], second[c3.Graph.Target.Digest]);
        var run = c3.Graph.Vertices.Single(v => v.Op is ExecOp);
        Assert.DoesNotContain(second[run.Digest], first.Values);

        var (_, target, _) = await h.BuildAsync(Dockerfile);
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
        Assert.Contains("MARK=new", config.Config!.Env!);
        var top = await h.ReadLayerAsync(manifest.Layers[^1]);
        Assert.Equal("new\n", top.Single(e => e.Name.TrimStart('.', '/') == "mark").Text);
    }

    [Fact]
    public async Task A_pinned_image_is_found_by_digest_under_another_name_and_missing_offline_is_an_error()
    {
        using var h = await WorkerHarness.CreateAsync();
        var old = h.BaseManifest!;
        await h.Images.PutAsync(new Image { Name = "docker.io/library/keep:1", Target = old });
        await h.ImportBusyboxAsync(WorkerHarness.BusyboxName, WorkerHarness.BaseCreated.AddDays(1), ["MARK=new"]);

        var pinned = WorkerHarness.BusyboxName + "@" + old.Digest;
        var found = await h.Executor.Locator.ResolveAsync(pinned, null, null, CancellationToken.None);
        Assert.Equal(old.Digest, found.ManifestDescriptor.Digest);

        await h.Images.DeleteAsync("docker.io/library/keep:1");
        var e = await Assert.ThrowsAsync<BaseImageNotFoundException>(() => h.Executor.Locator.ResolveAsync(pinned, null, null, CancellationToken.None));
        Assert.Contains("busybox:latest@" + old.Digest, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_digest_is_the_index_a_pulled_image_came_from()
    {
        var manifest = new Img.Engine.Oci.Descriptor { MediaType = Img.Engine.Oci.MediaTypes.OciManifest, Digest = "sha256:" + new string('1', 64), Size = 1 };
        var index = "sha256:" + new string('2', 64);
        Assert.Equal(manifest.Digest, BaseImageLocator.RootDigest(new Image { Name = "docker.io/library/a:1", Target = manifest }));
        Assert.Equal(index, BaseImageLocator.RootDigest(new Image
        {
            Name = "docker.io/library/a:1",
            Target = manifest,
            Labels = new Dictionary<string, string> { [Img.Engine.Registry.ImageLabels.IndexDigest] = index },
        }));
    }
}
