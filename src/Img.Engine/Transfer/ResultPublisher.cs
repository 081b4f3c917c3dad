using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Snapshots;
using Img.Engine.Worker;
using Img.Engine.Worker.Export;

namespace Img.Engine.Transfer;

/// <summary>
/// Makes a committed snapshot of this node fetchable by other nodes: resolves its lineage
/// (<see cref="LayerChain"/>), makes sure every layer has a blob in the content store (base image
/// layers have theirs; a build step's is diffed and compressed once by <see cref="LayerBlobCache"/>,
/// with the same settings as a default export so the export reuses it), and writes a
/// <see cref="ResultManifest"/> naming them. Publishing again costs a few record reads: the layer
/// records and the manifest are remembered. Thread-safe.
/// </summary>
public sealed class ResultPublisher
{
    private readonly ISnapshotter _snapshotter;
    private readonly IContentStore _content;
    private readonly LayerBlobCache _layers;
    private readonly ImageExportOptions _options;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Created, Descriptor Manifest)> _published = new(StringComparer.Ordinal);

    /// <param name="layers">The node's layer records (<c>VertexExecutor.Layers</c>): blobs made here serve its exports too.</param>
    /// <param name="transfer">
    /// How step layers are written; default <see cref="DefaultTransferOptions"/>. A SOURCE_DATE_EPOCH
    /// is refused: a clamped layer is not the snapshot's content.
    /// </param>
    public ResultPublisher(ISnapshotter snapshotter, IContentStore content, LayerBlobCache layers, ImageExportOptions? transfer = null)
    {
        _options = transfer ?? DefaultTransferOptions;
        if (_options.SourceDateEpoch is not null)
            throw new ArgumentException("transfer layers cannot use SOURCE_DATE_EPOCH: the consumer must get the snapshot's own times", nameof(transfer));
        _snapshotter = snapshotter;
        _content = content;
        _layers = layers;
    }

    /// <summary>
    /// What an export writes when the build asks for nothing else (gzip with the parallel compressor
    /// at its default level, no SOURCE_DATE_EPOCH): the blob transferred is the blob exported.
    /// </summary>
    public static ImageExportOptions DefaultTransferOptions { get; } = new();

    /// <summary>
    /// Publishes <paramref name="snapshot"/> (a committed snapshot's name, or "" for the empty
    /// filesystem, which publishes a manifest without layers); returns the manifest's descriptor.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">The snapshot or one of its ancestors does not exist.</exception>
    public async Task<Descriptor> PublishAsync(string snapshot, CancellationToken ct)
    {
        var created = snapshot.Length == 0 ? default : _snapshotter.Stat(snapshot).Created;
        if (_published.TryGetValue(snapshot, out var known) && known.Created == created
            && await _content.ExistsAsync(known.Manifest, ct).ConfigureAwait(false))
            return known.Manifest;

        var chain = LayerChain.Resolve(_snapshotter, snapshot.Length == 0 ? null : snapshot);
        var layers = new ResultLayer[chain.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chain.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentLayers), CancellationToken = ct },
            async (i, c) => layers[i] = await DescribeAsync(chain[i], c).ConfigureAwait(false)).ConfigureAwait(false);

        var manifest = new ResultManifest { LayerFormat = ResultLayerFormat.Of(_options), Layers = layers };
        var bytes = manifest.ToBytes();
        var info = await _content.WriteBlobAsync(bytes, Digest.Compute(bytes), ct).ConfigureAwait(false);
        var descriptor = new Descriptor { MediaType = ResultManifest.MediaTypeV1, Digest = info.Digest.ToString(), Size = info.Size };
        _published[snapshot] = (created, descriptor);
        return descriptor;
    }

    private async Task<ResultLayer> DescribeAsync(ChainLayer layer, CancellationToken ct)
    {
        if (layer.Blob is { } blob && layer.DiffId is { } diffId && await _content.ExistsAsync(blob, ct).ConfigureAwait(false))
        {
            var clean = new Descriptor { MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size };
            return new ResultLayer(ResultLayerKind.Base, clean, diffId.ToString(), layer.Description, layer.Created);
        }
        // A step, or a base layer whose image blobs were deleted: an export would diff it too.
        var record = await _layers.GetAsync(layer.Snapshot, layer.Parent, _options, ct).ConfigureAwait(false);
        string? baseManifest = null;
        if (SnapshotCleanup.TryStat(_snapshotter, layer.Snapshot) is { } info)
            info.Labels.TryGetValue(SnapshotLabels.BaseManifest, out baseManifest);
        return new ResultLayer(ResultLayerKind.Step, record.ToDescriptor(), record.DiffId, layer.Description, layer.Created,
            baseManifest is not null && Digest.TryParse(baseManifest, out _) ? baseManifest : null);
    }
}
