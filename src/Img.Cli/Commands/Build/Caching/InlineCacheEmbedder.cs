using System.Text.Json;
using Img.Cli.Commands.Build.Backends;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Inline;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// <c>--cache-to type=inline</c>: writes the final image's steps (<c>mode=min</c>, as BuildKit's
/// inline cache) into the image's config, with the image's own layers as the cache's layers: a
/// record whose layers are not all in the image (SOURCE_DATE_EPOCH rewrote them) is left out. The
/// image gets a new config and manifest (a new id, as with BuildKit); its layers are the same.
/// For a multi-platform build's index, each platform's image carries the records of its own chain
/// (its export record and what it reaches), as BuildKit embeds one inline cache per platform ref;
/// the index is written again with the new manifests.
/// </summary>
internal sealed class InlineCacheEmbedder(IBuildBackend backend, IContentStore content, CacheImports imports)
{
    /// <param name="manifest">The built image or index (here, on a node, or in the cache it was imported from: <paramref name="blobs"/> brings it).</param>
    public async Task<Descriptor> EmbedAsync(Descriptor manifest, IReadOnlyList<ExportedCacheRecord> records, ExportBlobs blobs, CancellationToken ct)
    {
        var minimal = records.Where(r => r.Minimal).ToList();
        var lineages = await PublishAsync(minimal, ct);
        if (!MediaTypes.IsIndex(manifest.MediaType))
            return await EmbedImageAsync(manifest, minimal, lineages, blobs, ct);

        var index = JsonSerializer.Deserialize<ImageIndex>(await ReadAsync(blobs, manifest, ct)) ?? throw new InvalidDataException($"index {manifest.Digest} is JSON null");
        var entries = new List<Descriptor>();
        foreach (var entry in index.Manifests)
        {
            var own = ChainOf(entry, minimal);
            var embedded = own.Count == 0 ? entry : await EmbedImageAsync(entry, own, lineages, blobs, ct);
            entries.Add(embedded with { Platform = entry.Platform });
        }
        var info = await content.WriteBlobAsync(ImageDocuments.Index(index with { Manifests = entries }), null, ct);
        return new Descriptor { MediaType = manifest.MediaType, Digest = info.Digest.ToString(), Size = info.Size };
    }

    /// <summary>The lineage of every result this build made, published once for all the images.</summary>
    private async Task<Dictionary<(string, string), ResultManifest>> PublishAsync(IReadOnlyList<ExportedCacheRecord> minimal, CancellationToken ct)
    {
        var made = minimal.Where(r => !r.IsImage && r.Result.Imported is null).Select(r => r.Result).DistinctBy(r => (r.SnapshotId, r.Location)).ToList();
        var published = await backend.PublishResultsAsync(made, ResultPublisher.DefaultTransferOptions, null, ct);
        var lineages = new Dictionary<(string, string), ResultManifest>();
        for (var i = 0; i < made.Count; i++)
            lineages[(made[i].SnapshotId, made[i].Location)] = published[i];
        return lineages;
    }

    /// <summary>
    /// The records of one platform: its export record (the one whose image is <paramref name="image"/>)
    /// and every record it reaches through its inputs. Empty when no export record names it.
    /// </summary>
    private static List<ExportedCacheRecord> ChainOf(Descriptor image, IReadOnlyList<ExportedCacheRecord> minimal)
    {
        var byKey = minimal.DistinctBy(r => r.Key).ToDictionary(r => r.Key);
        var pending = new Stack<ExportedCacheRecord>(minimal.Where(r => r.IsImage && r.Result.Image?.Digest == image.Digest));
        var reached = new HashSet<CacheKey>();
        while (pending.TryPop(out var record))
        {
            if (!reached.Add(record.Key))
                continue;
            foreach (var input in record.Inputs)
            {
                if (byKey.TryGetValue(input, out var parent))
                    pending.Push(parent);
            }
        }
        // in the build's (graph) order, as the description lists records
        return minimal.Where(r => reached.Contains(r.Key)).DistinctBy(r => r.Key).ToList();
    }

    private async Task<Descriptor> EmbedImageAsync(Descriptor manifest, IReadOnlyList<ExportedCacheRecord> minimal,
        IReadOnlyDictionary<(string, string), ResultManifest> lineages, ExportBlobs blobs, CancellationToken ct)
    {
        var manifestBytes = await ReadAsync(blobs, manifest, ct);
        var document = JsonSerializer.Deserialize<ImageManifest>(manifestBytes) ?? throw new InvalidDataException($"manifest {manifest.Digest} is JSON null");
        var configBytes = await ReadAsync(blobs, document.Config, ct);
        var config = JsonSerializer.Deserialize<ImageConfig>(configBytes) ?? throw new InvalidDataException($"config {document.Config.Digest} is JSON null");
        var imageLayers = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(document.Layers.Count, config.RootFs.DiffIds.Count); i++)
            imageLayers.TryAdd(config.RootFs.DiffIds[i], document.Layers[i]);

        var builder = new CacheDescriptionBuilder();
        foreach (var record in minimal)
        {
            var inputs = record.Inputs.Select(k => k.Value).ToArray();
            if (record.IsImage)
            {
                builder.AddImage(record.Key.Value, inputs, null);
                continue;
            }
            ResultManifest? lineage = record.Result.Imported is { } imported
                ? imports.RecordOf(imported) is { } known ? known.Description.LineageOf(known.Record) : null
                : lineages[(record.Result.SnapshotId, record.Result.Location)];
            if (lineage is null)
                continue;
            var layers = new List<CacheLayer>();
            foreach (var layer in lineage.Layers)
            {
                if (!imageLayers.TryGetValue(layer.DiffId, out var blob))
                    break;
                var format = blob.Digest == layer.Blob.Digest ? lineage.LayerFormat : null;
                layers.Add(CacheLayer.From(layer with { Blob = blob }, format));
            }
            if (layers.Count == lineage.Layers.Count)
                builder.Add(record.Key.Value, inputs, layers);
        }

        var newConfig = InlineCache.Embed(configBytes, builder.Build());
        var configInfo = await content.WriteBlobAsync(newConfig, null, ct);
        var newManifest = ImageDocuments.Manifest(document with
        {
            Config = document.Config with { Digest = configInfo.Digest.ToString(), Size = configInfo.Size },
        });
        var manifestInfo = await content.WriteBlobAsync(newManifest, null, ct);
        return new Descriptor { MediaType = manifest.MediaType, Digest = manifestInfo.Digest.ToString(), Size = manifestInfo.Size };
    }

    private static async Task<byte[]> ReadAsync(ExportBlobs blobs, Descriptor blob, CancellationToken ct)
    {
        await using var stream = await blobs.OpenAsync(blob, ct);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct);
        return memory.ToArray();
    }
}
