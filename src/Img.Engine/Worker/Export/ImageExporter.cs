using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Snapshots;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Export;

/// <summary>
/// The image exporter (BuildKit's <c>exporter/containerimage</c>): walks the target's lineage
/// (<see cref="LayerChain"/>), reuses the base image's compressed blobs byte for byte, diffs and
/// compresses each build step's snapshot over its parent (<see cref="LayerBlobCache"/>, in
/// parallel, once per snapshot), drops layers that change nothing and reconciles the history
/// (<see cref="HistoryNormalizer"/>), then writes the config and the manifest to the content
/// store. Naming the image is the caller's job.
/// </summary>
public sealed class ImageExporter
{
    private readonly ISnapshotter _snapshotter;
    private readonly IContentStore _content;
    private readonly LayerBlobCache _layers;

    public ImageExporter(ISnapshotter snapshotter, IContentStore content, LayerBlobCache layers)
    {
        _snapshotter = snapshotter;
        _content = content;
        _layers = layers;
    }

    /// <summary>Writes the image of <paramref name="op"/> whose root filesystem is <paramref name="root"/>; returns the manifest descriptor.</summary>
    public async Task<Descriptor> ExportAsync(ImageConfigOp op, CacheResult? root, ImageExportOptions options, CancellationToken ct)
    {
        var top = root is null ? null : SnapshotReference.Parse(root.SnapshotId).SnapshotOrNull("an image root filesystem");
        var chain = LayerChain.Resolve(_snapshotter, top);
        var baseBlobs = await BaseBlobsAsync(root, top, ct).ConfigureAwait(false);

        var layers = new ExportedLayer[chain.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chain.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxConcurrentLayers), CancellationToken = ct },
            async (i, c) =>
            {
                var layer = chain[i];
                Descriptor? blob = null;
                string? diffId = null;
                if (layer.IsBaseLayer)
                {
                    blob = baseBlobs.GetValueOrDefault(layer.DiffId!.Value.ToString()) ?? layer.Blob;
                    if (!await _content.ExistsAsync(blob!, c).ConfigureAwait(false))
                    {
                        blob = null; // the base image's blobs were removed: recreate the layer
                    }
                    else
                    {
                        diffId = layer.DiffId.Value.ToString();
                        if (NeedsConversion(blob!, options.Compression))
                        {
                            var converted = await _layers.GetConvertedAsync(blob!, diffId, options, c).ConfigureAwait(false);
                            blob = converted.ToDescriptor();
                        }
                    }
                }
                if (blob is null)
                {
                    var record = await _layers.GetAsync(layer.Snapshot, layer.Parent, options, c).ConfigureAwait(false);
                    blob = record.ToDescriptor();
                    diffId = record.DiffId;
                }
                layers[i] = new ExportedLayer(blob, diffId!, layer.Description, layer.Created);
            }).ConfigureAwait(false);

        var (kept, history) = HistoryNormalizer.Normalize(op.Config.History, layers, options.SourceDateEpoch);
        var created = op.Config.Created;
        if (created is { } c0 && options.SourceDateEpoch is { } e0 && c0 > e0)
            created = e0;
        created ??= history.LastOrDefault(h => h.Created is not null)?.Created;

        var config = op.Config with
        {
            Created = created,
            RootFs = new RootFs { DiffIds = kept.Select(l => l.DiffId).ToArray() },
            History = history,
        };
        var configBytes = ImageDocuments.Config(config);
        var configInfo = await _content.WriteBlobAsync(configBytes, null, ct).ConfigureAwait(false);
        // Docker's schema 2 has no zstd layer type: zstd makes the manifest OCI, as BuildKit did.
        var oci = options.OciMediaTypes || kept.Any(l => l.Blob.MediaType == MediaTypes.OciLayerZstd);
        var manifest = new ImageManifest
        {
            MediaType = oci ? MediaTypes.OciManifest : MediaTypes.DockerManifest,
            Config = new Descriptor
            {
                MediaType = oci ? MediaTypes.OciConfig : MediaTypes.DockerConfig,
                Digest = configInfo.Digest.ToString(),
                Size = configInfo.Size,
            },
            Layers = kept.Select(l => new Descriptor { MediaType = LayerMediaType(l.Blob.MediaType, oci), Digest = l.Blob.Digest, Size = l.Blob.Size }).ToArray(),
        };
        var manifestBytes = ImageDocuments.Manifest(manifest);
        var manifestInfo = await _content.WriteBlobAsync(manifestBytes, null, ct).ConfigureAwait(false);
        return new Descriptor { MediaType = manifest.MediaType, Digest = manifestInfo.Digest.ToString(), Size = manifestInfo.Size };
    }

    /// <summary>
    /// With <c>force-compression</c>, a reused layer of another compression is recompressed
    /// (BuildKit's <c>NeedsConversion</c>); one already in the wanted compression is kept whatever
    /// its level, and non-distributable layers are never touched.
    /// </summary>
    private static bool NeedsConversion(Descriptor blob, LayerCompressionOptions compression) =>
        compression.Force &&
        LayerCompressionOptions.CompressionOf(blob.MediaType) is { } current &&
        current != compression.Compression;

    /// <summary>The base image's layer blobs by diffID, from the manifest the lineage names (so its own blobs are reused).</summary>
    private async Task<Dictionary<string, Descriptor>> BaseBlobsAsync(CacheResult? root, string? top, CancellationToken ct)
    {
        var result = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        var manifestDigest = root?.Image?.Digest;
        if (manifestDigest is null && top is not null)
            SnapshotCleanup.TryStat(_snapshotter, top)?.Labels.TryGetValue(SnapshotLabels.BaseManifest, out manifestDigest);
        if (manifestDigest is null || !Digest.TryParse(manifestDigest, out var digest) || await _content.InfoAsync(digest, ct).ConfigureAwait(false) is not { } info)
            return result;
        try
        {
            var manifest = await _content.ReadJsonAsync<ImageManifest>(new Descriptor { Digest = manifestDigest, Size = info.Size }, ct).ConfigureAwait(false);
            var config = await _content.ReadJsonAsync<ImageConfig>(manifest.Config, ct).ConfigureAwait(false);
            for (var i = 0; i < Math.Min(manifest.Layers.Count, config.RootFs.DiffIds.Count); i++)
                result.TryAdd(config.RootFs.DiffIds[i], manifest.Layers[i]);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ContentNotFoundException or InvalidDataException)
        {
            // Fall back to the descriptors recorded on the unpacked snapshots.
        }
        return result;
    }

    /// <summary>BuildKit converts layer media types to the manifest's family (same bytes, same digest).</summary>
    internal static string LayerMediaType(string mediaType, bool oci) => (mediaType, oci) switch
    {
        (MediaTypes.DockerLayerGzip, true) => MediaTypes.OciLayerGzip,
        (MediaTypes.DockerLayer, true) => MediaTypes.OciLayer,
        (MediaTypes.DockerForeignLayerGzip, true) => MediaTypes.OciLayerNonDistributableGzip,
        (MediaTypes.OciLayerGzip, false) => MediaTypes.DockerLayerGzip,
        (MediaTypes.OciLayer, false) => MediaTypes.DockerLayer,
        (MediaTypes.OciLayerNonDistributableGzip, false) => MediaTypes.DockerForeignLayerGzip,
        _ => mediaType,
    };
}
