using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Transfer;

/// <summary>
/// Brings an exported image (manifest, config, layers) from other nodes into this node's content
/// store, blob by blob, skipping what is already here. The node that writes a multi-platform
/// build's index gathers every platform's image this way, so the index's result names one node
/// that holds the whole tree: the client fetches and pushes it from there as it does a
/// one-platform image. Snapshots are not unpacked: an index reads only the documents.
/// </summary>
public sealed class ImageBlobFetcher(IContentStore content, int maxConcurrentDownloads = 4)
{
    /// <exception cref="ResultUnavailableException">No holder could deliver a blob.</exception>
    public async Task FetchAsync(Descriptor manifest, IBlobSource source, CancellationToken ct)
    {
        await EnsureAsync(manifest, source, ct).ConfigureAwait(false);
        var document = await content.ReadJsonAsync<ImageManifest>(manifest, ct).ConfigureAwait(false);
        var blobs = document.Layers.Prepend(document.Config).DistinctBy(b => b.Digest, StringComparer.Ordinal);
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrentDownloads, CancellationToken = ct },
            async (blob, c) => await EnsureAsync(blob, source, c).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task EnsureAsync(Descriptor blob, IBlobSource source, CancellationToken ct)
    {
        if (!await content.ExistsAsync(Digest.Parse(blob.Digest), ct).ConfigureAwait(false))
            await source.FetchAsync(blob, content, ct).ConfigureAwait(false);
    }
}
