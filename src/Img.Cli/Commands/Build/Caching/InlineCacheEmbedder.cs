using Img.Cli.Commands.Build.Backends;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Inline;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// <c>--cache-to type=inline</c>: writes the final image's steps (<c>mode=min</c>, as BuildKit's
/// inline cache) into the image's config, with the image's own layers as the cache's layers: a
/// record whose layers are not all in the image (SOURCE_DATE_EPOCH rewrote them) is left out. The
/// image gets a new config and manifest (a new id, as with BuildKit); its layers are the same.
/// </summary>
internal sealed class InlineCacheEmbedder(IBuildBackend backend, IContentStore content, CacheImports imports)
{
    /// <param name="manifest">The built image (here, on a node, or in the cache it was imported from: <paramref name="blobs"/> brings it).</param>
    public async Task<Descriptor> EmbedAsync(Descriptor manifest, IReadOnlyList<ExportedCacheRecord> records, ExportBlobs blobs, CancellationToken ct)
    {
        var manifestBytes = await ReadAsync(blobs, manifest, ct);
        var document = System.Text.Json.JsonSerializer.Deserialize<ImageManifest>(manifestBytes) ?? throw new InvalidDataException($"manifest {manifest.Digest} is JSON null");
        var configBytes = await ReadAsync(blobs, document.Config, ct);
        var config = System.Text.Json.JsonSerializer.Deserialize<ImageConfig>(configBytes) ?? throw new InvalidDataException($"config {document.Config.Digest} is JSON null");
        var imageLayers = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(document.Layers.Count, config.RootFs.DiffIds.Count); i++)
            imageLayers.TryAdd(config.RootFs.DiffIds[i], document.Layers[i]);

        var minimal = records.Where(r => r.Minimal).ToList();
        var made = minimal.Where(r => !r.IsImage && r.Result.Imported is null).Select(r => r.Result).DistinctBy(r => (r.SnapshotId, r.Location)).ToList();
        var published = await backend.PublishResultsAsync(made, ResultPublisher.DefaultTransferOptions, null, ct);
        var lineages = new Dictionary<(string, string), ResultManifest>();
        for (var i = 0; i < made.Count; i++)
            lineages[(made[i].SnapshotId, made[i].Location)] = published[i];

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
