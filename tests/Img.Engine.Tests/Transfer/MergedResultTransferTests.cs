using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Tests.Worker;
using Img.Engine.Transfer;
using Img.Engine.Worker;
using Img.Engine.Worker.Export;
using Xunit;

namespace Img.Engine.Tests.Transfer;

/// <summary>A result whose lineage goes through a merge (COPY --link): it travels as the layers the merge stacks, in order.</summary>
public sealed class MergedResultTransferTests
{
    [Fact]
    public async Task A_copy_link_result_fetched_elsewhere_exports_the_same_image()
    {
        using var producer = await WorkerHarness.CreateAsync();
        var (results, _, conversion) = await producer.BuildAsync("""
            FROM busybox AS tool
            RUN mkdir -p /out && echo tool > /out/tool && chmod 0755 /out/tool
            FROM busybox
            RUN echo base > /base
            COPY --link --from=tool /out/tool /usr/local/bin/tool
            RUN echo after > /after && rm /base
            """);
        var export = (ImageConfigOp)conversion.Graph.Target.Op;
        var root = results[conversion.Graph.Target.Inputs[0].Digest].SnapshotId;
        Assert.True(producer.Snapshotter.Walk().Any(s => s.Labels.ContainsKey(SnapshotLabels.Merge)), "the build made no merge snapshot");

        var manifest = await new ResultPublisher(producer.Snapshotter, producer.Content, producer.Executor.Layers).PublishAsync(root, CancellationToken.None);
        using var consumer = new TransferNode();
        var fetched = await consumer.Fetcher.FetchAsync(manifest, await MemoryBlobSource.CopyOfAsync(producer.Content), CancellationToken.None);

        var theirs = await SnapshotTree.CaptureAsync(producer.Snapshotter, root, Path.Join(producer.State.TempRoot, "tree"));
        Assert.Equal(theirs, await SnapshotTree.CaptureAsync(consumer.Snapshotter, fetched.Snapshot, consumer.Scratch));
        Assert.Equal(LayerChain.Resolve(producer.Snapshotter, root).Count, LayerChain.Resolve(consumer.Snapshotter, fetched.Snapshot).Count);

        var producerExporter = new ImageExporter(producer.Snapshotter, producer.Content, producer.Executor.Layers);
        foreach (var options in new[] { new ImageExportOptions(), new ImageExportOptions { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) } })
        {
            var expected = await producerExporter.ExportAsync(export, new CacheResult(root), options, CancellationToken.None);
            var actual = await consumer.Exporter.ExportAsync(export, new CacheResult(fetched.Snapshot), options, CancellationToken.None);
            Assert.Equal(expected, actual);
        }
    }
}
