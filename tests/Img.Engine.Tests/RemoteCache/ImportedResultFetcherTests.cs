using Img.Engine.Content;
using Img.Engine.RemoteCache;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.Tests.Transfer;
using Img.Engine.Transfer;
using Xunit;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>
/// A node fetching an imported result (root, runc, overlayfs): the record's chain of a cache
/// description becomes a local snapshot through the transfer fetcher; a description that maps a
/// key to another step's layer is caught by the layer's diffID before anything is committed.
/// </summary>
public sealed class ImportedResultFetcherTests(TransferProducerFixture producer) : IClassFixture<TransferProducerFixture>
{
    private static readonly CacheKey Key = new("sha256:" + new string('4', 64));

    /// <summary>The producer's result as a cache: one record, its lineage; the description held by the source.</summary>
    private async Task<(MemoryBlobSource Source, ImportedResult Imported, CacheDescription Description)> CacheAsync(Func<CacheDescription, CacheDescription>? edit = null)
    {
        var lineage = ResultManifest.Parse(await producer.Harness.Content.ReadAllBytesAsync(producer.Manifest));
        var description = new CacheDescriptionBuilder().Add(Key.Value, [], lineage).Build();
        description = edit?.Invoke(description) ?? description;
        var source = await MemoryBlobSource.CopyOfAsync(producer.Harness.Content);
        var blob = source.Add(description.ToBytes(), CacheDescription.MediaTypeV1);
        return (source, new ImportedResult("registry:127.0.0.1:5000/cache", blob, Key), description);
    }

    [Fact]
    public async Task An_imported_record_becomes_a_local_snapshot_and_a_second_fetch_reads_nothing_again()
    {
        var (source, imported, _) = await CacheAsync();
        using var consumer = new TransferNode();
        var fetcher = new ImportedResultFetcher(consumer.Content, consumer.Fetcher);

        var fetched = await fetcher.FetchAsync(imported, source, CancellationToken.None);
        Assert.Equal(5, fetched.LayersUnpacked);
        Assert.True(consumer.Snapshotter.CommittedChainExists(fetched.Snapshot));
        var asked = source.Fetched.Count;

        var again = await fetcher.FetchAsync(imported, source, CancellationToken.None);
        Assert.Equal(fetched.Snapshot, again.Snapshot);
        Assert.Equal(0, again.LayersUnpacked);
        Assert.Equal(asked, source.Fetched.Count);
    }

    [Fact]
    public async Task A_key_mapped_to_another_steps_layer_fails_on_its_diffid_and_commits_nothing()
    {
        // the record's third layer names the fourth layer's blob, keeping its own diffID
        var (source, imported, _) = await CacheAsync(d => d with
        {
            Layers = d.Layers.Select((l, i) => i == 2 ? l with { Blob = d.Layers[3].Blob } : l).ToArray(),
        });
        using var consumer = new TransferNode();
        var fetcher = new ImportedResultFetcher(consumer.Content, consumer.Fetcher);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => fetcher.FetchAsync(imported, source, CancellationToken.None));
        Assert.Matches("uncompressed digest sha256:[0-9a-f]{64} is not the result manifest's diffID sha256:[0-9a-f]{64}", e.Message);
        // the two layers below were good and stay; nothing of the lie, nor above it, was committed
        Assert.Equal(2, consumer.Snapshotter.Walk().Count(i => i.Kind == SnapshotKind.Committed));
    }

    [Fact]
    public async Task A_key_the_description_does_not_hold_and_a_description_the_source_lacks_are_clear_failures()
    {
        var (source, imported, _) = await CacheAsync();
        using var consumer = new TransferNode();
        var fetcher = new ImportedResultFetcher(consumer.Content, consumer.Fetcher);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => fetcher.FetchAsync(imported with { Key = new CacheKey("sha256:" + new string('5', 64)) }, source, CancellationToken.None));
        Assert.Contains("has no filesystem for key sha256:5555", e.Message);

        source.Forget(imported.Description.Digest);
        using var other = new TransferNode();
        await Assert.ThrowsAsync<ResultUnavailableException>(() => new ImportedResultFetcher(other.Content, other.Fetcher).FetchAsync(imported, source, CancellationToken.None));
    }
}
