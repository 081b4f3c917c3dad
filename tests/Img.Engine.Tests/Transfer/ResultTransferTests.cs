using System.Net;
using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Oci;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Engine.Worker;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Sources;
using Img.Engine.Transfer.Serving;
using Xunit;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// A result published on one node (the fixture) and fetched into fresh state directories, through
/// the real blob server and through an in-memory source: same tree, same image when exported,
/// verified blobs, shared downloads, clean failures.
/// </summary>
public sealed class ResultTransferTests(TransferProducerFixture producer) : IClassFixture<TransferProducerFixture>
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Export settings an image may ask for: the default (what transfers use), SOURCE_DATE_EPOCH, zstd, uncompressed.</summary>
    private static readonly ImageExportOptions[] ExportVariants =
    [
        new(),
        new() { SourceDateEpoch = Epoch },
        new() { Compression = LayerCompression.Zstd, SourceDateEpoch = Epoch },
        new() { Compression = LayerCompression.None },
    ];

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    public async Task A_result_fetched_through_the_blob_server_has_the_same_tree_and_exports_the_same_image(string backend)
    {
        await using var server = new BlobServer(producer.Harness.Content);
        server.Start();
        using var source = new PeerBlobSource([server.BaseUri]);
        using var consumer = new TransferNode(backend);

        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);

        Assert.Equal(5, fetched.LayersUnpacked); // busybox, RUN, COPY, RUN, the hand-made step
        Assert.Equal(1, consumer.Fetcher.LayersStreamed); // the lowest, unpacked while it downloaded
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
        await AssertSameImagesAsync(consumer, fetched.Snapshot);
    }

    [Fact]
    public async Task A_result_fetched_from_an_in_memory_source_has_the_same_tree_and_image()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var consumer = new TransferNode();
        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
        Assert.Equal(await ExportOnProducerAsync(new ImageExportOptions()), await ExportAsync(consumer, fetched.Snapshot, new ImageExportOptions()));
    }

    [Fact]
    public async Task An_export_with_the_transfer_settings_reuses_the_fetched_blobs_and_others_diff_again()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var consumer = new TransferNode();
        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);

        await ExportAsync(consumer, fetched.Snapshot, new ImageExportOptions());
        Assert.Equal(0, consumer.Layers.LayersDiffed);
        await ExportAsync(consumer, fetched.Snapshot, new ImageExportOptions { SourceDateEpoch = Epoch });
        Assert.Equal(4, consumer.Layers.LayersDiffed); // the four step layers; the base layer's blob is reused as is
    }

    [Fact]
    public async Task The_base_layer_becomes_the_chain_snapshot_that_unpacking_the_base_image_makes()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var consumer = new TransferNode();
        await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);

        var baseConfig = await producer.Harness.Content.ReadJsonAsync<ImageConfig>(
            (await producer.Harness.Content.ReadJsonAsync<ImageManifest>(producer.Harness.BaseManifest!)).Config);
        var chain = ChainId.Of(baseConfig.RootFs.DiffIds.Select(Digest.Parse).ToArray())[^1].ToString();
        var theirs = producer.Harness.Snapshotter.Stat(chain);
        var ours = consumer.Snapshotter.Stat(chain);
        Assert.Null(ours.Parent);
        Assert.Equal(theirs.Labels.OrderBy(l => l.Key), ours.Labels.OrderBy(l => l.Key));

        // the steps above are not chain snapshots: their names cannot collide with an image's
        var steps = consumer.Snapshotter.Walk().Where(s => s.Key != chain).ToArray();
        Assert.Equal(4, steps.Length);
        Assert.All(steps, s => Assert.StartsWith("transfer-", s.Key));
        Assert.All(steps, s => Assert.False(s.Labels.ContainsKey(SnapshotLabels.LayerDigest)));
    }

    [Fact]
    public async Task Step_layers_keep_their_description_and_creation_time()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var consumer = new TransferNode();
        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);

        var theirs = LayerChain.Resolve(producer.Harness.Snapshotter, producer.Result);
        var ours = LayerChain.Resolve(consumer.Snapshotter, fetched.Snapshot);
        Assert.Equal(theirs.Select(l => l.IsBaseLayer), ours.Select(l => l.IsBaseLayer));
        // Base layers are labelled exactly as unpacking the image labels them: their history times come from the image's config.
        Assert.Equal(theirs.Where(l => !l.IsBaseLayer).Select(l => (l.Description, l.Created)), ours.Where(l => !l.IsBaseLayer).Select(l => (l.Description, l.Created)));
        Assert.Equal("hand-made step", ours[^1].Description);
    }

    [Fact]
    public async Task Publishing_again_reuses_the_layer_records_and_gives_the_same_manifest()
    {
        var diffed = producer.Harness.Executor.Layers.LayersDiffed;
        Assert.Equal(producer.Manifest, await producer.Publisher.PublishAsync(producer.Result, CancellationToken.None));
        var fresh = new ResultPublisher(producer.Harness.Snapshotter, producer.Harness.Content, producer.Harness.Executor.Layers);
        Assert.Equal(producer.Manifest, await fresh.PublishAsync(producer.Result, CancellationToken.None));
        Assert.Equal(diffed, producer.Harness.Executor.Layers.LayersDiffed);

        // and an export of the built image with default settings finds the transfer's blobs
        var manifest = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var exported = await producer.Harness.Content.ReadJsonAsync<ImageManifest>(await ExportOnProducerAsync(new ImageExportOptions()));
        Assert.Equal(manifest.Layers.Select(l => l.Blob.Digest), exported.Layers.Select(l => l.Digest));
        Assert.Equal(diffed, producer.Harness.Executor.Layers.LayersDiffed);
    }

    [Fact]
    public async Task A_second_fetch_downloads_nothing()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var consumer = new TransferNode();
        var first = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        Assert.Equal(6, first.BlobsFetched); // the manifest and five layers
        var snapshots = consumer.Snapshotter.Walk().Count;

        var second = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        Assert.Equal(new FetchedResult(first.Snapshot, 0, 0, 0), second);
        Assert.Equal(6, source.Fetched.Count);
        Assert.Equal(snapshots, consumer.Snapshotter.Walk().Count);

        consumer.Reopen(); // a new process: the snapshots and blobs are on disk
        var third = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        Assert.Equal(new FetchedResult(first.Snapshot, 0, 0, 0), third);
    }

    [Fact]
    public async Task Two_concurrent_fetches_download_once()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeFetch = (_, ct) => gate.Task.WaitAsync(ct);
        using var consumer = new TransferNode();

        var one = consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        var two = consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        await Task.Delay(200);
        gate.SetResult();
        var results = await Task.WhenAll(one, two);

        Assert.Equal(results[0], results[1]);
        Assert.Equal(source.Fetched.Distinct().Count(), source.Fetched.Count);
        Assert.Equal(6, source.Fetched.Count);
    }

    [Fact]
    public async Task A_fetcher_that_gives_up_alone_does_not_stop_the_shared_download()
    {
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeFetch = (_, ct) => gate.Task.WaitAsync(ct);
        using var consumer = new TransferNode();
        using var impatient = new CancellationTokenSource();

        var one = consumer.Fetcher.FetchAsync(producer.Manifest, source, impatient.Token);
        var two = consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        await Task.Delay(100);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => one);
        gate.SetResult();
        var fetched = await two;
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
    }

    [Theory]
    [InlineData(0)] // the layer unpacked while it downloads: the liar's stream is void, the honest copy is unpacked
    [InlineData(1)]
    public async Task A_lying_holder_is_passed_over_for_the_next_and_nothing_it_sent_is_kept(int layer)
    {
        var manifest = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var victim = manifest.Layers[layer].Blob;
        var liarRequests = new List<string>();
        var liarStore = await LyingContent.CreateAsync(producer.Harness.Content, victim);
        await using var liar = new BlobServer(liarStore, liarStore, new BlobServerOptions
        {
            Authorize = (request, _) =>
            {
                lock (liarRequests) liarRequests.Add(request.Path);
                return ValueTask.FromResult(BlobAccess.Allowed);
            },
        });
        liar.Start();
        await using var honest = new BlobServer(producer.Harness.Content);
        honest.Start();
        using var source = new PeerBlobSource([liar.BaseUri, honest.BaseUri]);
        using var consumer = new TransferNode();

        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);

        lock (liarRequests) Assert.Contains(liarRequests, p => p.EndsWith(victim.Digest, StringComparison.Ordinal));
        Assert.False(await consumer.Content.ExistsAsync(liarStore.LieDigest));
        Assert.True(await consumer.Content.ExistsAsync(victim));
        Assert.Empty(consumer.IngestLeftovers());
        Assert.Equal(layer == 0 ? 0 : 1, consumer.Fetcher.LayersStreamed);
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_lie_from_the_only_holder_is_a_result_unavailable_error_and_leaves_no_snapshot_of_that_layer(int layer)
    {
        var manifest = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        source.Lies[manifest.Layers[layer].Blob.Digest] = true;
        using var consumer = new TransferNode();

        var e = await Assert.ThrowsAsync<ResultUnavailableException>(() => consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None));

        Assert.Equal(manifest.Layers[layer].Blob.Digest, e.Blob.ToString());
        Assert.Equal(producer.Manifest.Digest, e.Result?.ToString());
        Assert.Contains("digest mismatch", e.Message);
        Assert.False(await consumer.Content.ExistsAsync(Digest.Parse(manifest.Layers[layer].Blob.Digest)));
        Assert.Empty(consumer.IngestLeftovers());
        AssertOnlyCompleteSnapshots(consumer, maxLayers: layer);
    }

    [Fact]
    public async Task Every_holder_gone_is_a_result_unavailable_error_naming_them()
    {
        var gone = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            await using var server = new BlobServer(producer.Harness.Content);
            server.Start();
            gone.Add(server.BaseUri);
        }
        using var source = new PeerBlobSource(gone);
        using var consumer = new TransferNode();

        var e = await Assert.ThrowsAsync<ResultUnavailableException>(() => consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None));

        Assert.Equal(gone.Select(u => u.ToString()), e.Holders);
        Assert.Equal(producer.Manifest.Digest, e.Blob.ToString());
        Assert.Contains(gone[0].ToString(), e.Message);
        Assert.Contains(gone[1].ToString(), e.Message);
        Assert.Empty(consumer.Snapshotter.Walk());
    }

    [Fact]
    public async Task A_layer_no_holder_has_any_more_fails_the_fetch_and_a_later_fetch_completes_what_is_missing()
    {
        var manifest = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var top = manifest.Layers[^1].Blob.Digest;
        var partial = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        partial.Forget(top);
        using var consumer = new TransferNode();

        var e = await Assert.ThrowsAsync<ResultUnavailableException>(() => consumer.Fetcher.FetchAsync(producer.Manifest, partial, CancellationToken.None));
        Assert.Equal(top, e.Blob.ToString());
        Assert.Contains(MemoryBlobSource.Holder, e.Message);
        AssertOnlyCompleteSnapshots(consumer, maxLayers: manifest.Layers.Count - 1);

        consumer.Reopen();
        var full = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, full, CancellationToken.None);
        Assert.Equal([top], full.Fetched);
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
    }

    [Theory]
    [InlineData(0)] // while the lowest layer is unpacked from its download
    [InlineData(3)]
    public async Task A_fetch_cancelled_half_way_leaves_only_complete_snapshots(int layer)
    {
        var manifest = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        using var cancel = new CancellationTokenSource();
        source.BeforeFetch = async (blob, ct) =>
        {
            if (blob.Digest == manifest.Layers[layer].Blob.Digest)
            {
                await cancel.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        using var consumer = new TransferNode();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.Fetcher.FetchAsync(producer.Manifest, source, cancel.Token));

        Assert.DoesNotContain(consumer.Snapshotter.Walk(), s => s.Kind != SnapshotKind.Committed); // cleaned up before the throw
        consumer.Reopen();
        AssertOnlyCompleteSnapshots(consumer, maxLayers: layer);
        Assert.Empty(consumer.IngestLeftovers());
        source.BeforeFetch = null;
        var fetched = await consumer.Fetcher.FetchAsync(producer.Manifest, source, CancellationToken.None);
        await AssertSameTreeAsync(consumer, fetched.Snapshot);
    }

    [Fact]
    public async Task The_empty_filesystem_travels_as_a_manifest_without_layers()
    {
        var manifest = await producer.Publisher.PublishAsync("", CancellationToken.None);
        Assert.Empty(ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(manifest)).Layers);
        using var consumer = new TransferNode();
        var fetched = await consumer.Fetcher.FetchAsync(manifest, await MemoryBlobSource.CopyOfAsync(producer.Harness.Content), CancellationToken.None);
        Assert.Equal(new FetchedResult("", 1, manifest.Size, 0), fetched);
    }

    [Fact]
    public async Task A_manifest_of_another_version_is_refused_clearly()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.img.result.v2+json","layers":[]}""");
        using var consumer = new TransferNode();
        var info = await consumer.Content.WriteBlobAsync(bytes);
        var descriptor = new Descriptor { MediaType = "application/vnd.img.result.v2+json", Digest = info.Digest.ToString(), Size = info.Size };
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => consumer.Fetcher.FetchAsync(descriptor, new MemoryBlobSource(), CancellationToken.None));
        Assert.Contains("schemaVersion 2", e.Message);
        Assert.Contains(info.Digest.ToString(), e.Message);
    }

    private async Task AssertSameTreeAsync(TransferNode consumer, string snapshot)
    {
        var theirs = await SnapshotTree.CaptureAsync(producer.Harness.Snapshotter, producer.Result, Path.Join(producer.Harness.State.TempRoot, "tree"));
        var ours = await SnapshotTree.CaptureAsync(consumer.Snapshotter, snapshot, consumer.Scratch);
        Assert.Equal(theirs, ours);
        Assert.Contains(ours, l => l.StartsWith("caps/tool ", StringComparison.Ordinal) && l.Contains(" caps=01000002", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("home/u/f ", StringComparison.Ordinal) && l.Contains("mode=4755 owner=1000:100", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("data/hard ", StringComparison.Ordinal));
        Assert.DoesNotContain(ours, l => l.StartsWith("data/a ", StringComparison.Ordinal) || l.StartsWith("bin/ls ", StringComparison.Ordinal));
    }

    private async Task AssertSameImagesAsync(TransferNode consumer, string snapshot)
    {
        foreach (var options in ExportVariants)
            Assert.Equal(await ExportOnProducerAsync(options), await ExportAsync(consumer, snapshot, options));
    }

    private Task<Descriptor> ExportOnProducerAsync(ImageExportOptions options) =>
        new ImageExporter(producer.Harness.Snapshotter, producer.Harness.Content, producer.Harness.Executor.Layers)
            .ExportAsync(producer.ExportOp, new CacheResult(producer.Result), options, CancellationToken.None);

    private Task<Descriptor> ExportAsync(TransferNode consumer, string snapshot, ImageExportOptions options) =>
        consumer.Exporter.ExportAsync(producer.ExportOp, new CacheResult(snapshot), options, CancellationToken.None);

    /// <summary>Every snapshot is committed, with its whole chain, and none is higher than <paramref name="maxLayers"/>.</summary>
    private static void AssertOnlyCompleteSnapshots(TransferNode consumer, int maxLayers)
    {
        var all = consumer.Snapshotter.Walk();
        Assert.All(all, s => Assert.Equal(SnapshotKind.Committed, s.Kind));
        Assert.All(all, s => Assert.True(consumer.Snapshotter.CommittedChainExists(s.Key)));
        Assert.True(all.Count <= maxLayers, $"{all.Count} snapshots, at most {maxLayers} expected");
    }
}
