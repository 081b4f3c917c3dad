using Img.Cli.Progress;
using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Makes a multi-platform build's index whole in the local store before it is delivered. A
/// platform whose export record hit a <c>--cache-from</c> cache gave the index only its manifest's
/// descriptor (the index is written from descriptors); its manifest, config and layers are still
/// in the cache, and the outputs read the local store. Each missing blob is brought through
/// <see cref="ExportBlobs"/> (the caches the build imported), verified against its digest.
/// </summary>
internal static class ImportedIndexContent
{
    private const int Parallelism = 4;

    public static async Task EnsureAsync(IContentStore content, Descriptor index, ExportBlobs blobs, IProgressStep exporter, CancellationToken ct)
    {
        var document = await content.ReadJsonAsync<ImageIndex>(index, ct);
        foreach (var entry in document.Manifests)
        {
            if (await content.ExistsAsync(entry, ct))
            {
                var built = await content.ReadJsonAsync<ImageManifest>(entry, ct);
                if (await content.ExistsAsync(built.Config, ct) && await AllPresentAsync(content, built.Layers, ct))
                    continue;
            }
            exporter.Status($"fetching {entry.Platform} from the cache");
            await EnsureBlobAsync(content, blobs, entry, ct);
            var manifest = await content.ReadJsonAsync<ImageManifest>(entry, ct);
            await EnsureBlobAsync(content, blobs, manifest.Config, ct);
            await Parallel.ForEachAsync(manifest.Layers, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (layer, c) => await EnsureBlobAsync(content, blobs, layer, c));
        }
    }

    private static async Task<bool> AllPresentAsync(IContentStore content, IEnumerable<Descriptor> blobs, CancellationToken ct)
    {
        foreach (var blob in blobs)
        {
            if (!await content.ExistsAsync(blob, ct))
                return false;
        }
        return true;
    }

    private static async Task EnsureBlobAsync(IContentStore content, ExportBlobs blobs, Descriptor blob, CancellationToken ct)
    {
        if (await content.ExistsAsync(blob, ct))
            return;
        await using var stream = await blobs.OpenAsync(blob, ct);
        await content.WriteBlobAsync(stream, blob, ct);
    }
}
