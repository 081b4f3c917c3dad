using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker;
using Img.Engine.Worker.Sources;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>Sources that cannot be served: clear errors naming what is missing.</summary>
public sealed class SourceErrorTests
{
    [Fact]
    public async Task An_unknown_base_image_offline_names_the_reference()
    {
        using var h = await WorkerHarness.CreateAsync();
        var e = await Assert.ThrowsAsync<BaseImageNotFoundException>(() => h.BuildAsync("FROM nosuchimage:1.0\nRUN true\n"));
        Assert.StartsWith("failed to resolve source metadata for nosuchimage:1.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("not in the local image store", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_source_that_is_not_registered_fails_and_checksums_follow_content()
    {
        using var h = await WorkerHarness.CreateAsync();
        var vertex = new BuildVertex(new OpDigest("sha256:" + new string('1', 64)), new SourceOp(SourceKind.Local, "other"), OpMetadata.Internal("load"));
        var e = await Assert.ThrowsAsync<LocalSourceNotFoundException>(async () =>
            await h.Executor.ExecuteAsync(new VertexJob(new CacheKey("sha256:k"), vertex, [], h.Log), CancellationToken.None));
        Assert.Contains("\"other\"", e.Message, StringComparison.Ordinal);

        h.WriteContext("a.txt", "one");
        await h.ConvertAsync("FROM busybox\nCOPY a.txt /\n"); // registers the context
        var source = new SourceOp(SourceKind.Local, "context");
        var selection = new ContentSelection("a.txt", [], [], false, false);
        var first = await h.Executor.Checksums.ChecksumAsync(source, selection, CancellationToken.None);
        h.WriteContext("a.txt", "two");
        h.Executor.LocalSources.Get("context").Refresh();
        var second = await h.Executor.Checksums.ChecksumAsync(source, selection, CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.IsType<Digest>(second);
    }
}
