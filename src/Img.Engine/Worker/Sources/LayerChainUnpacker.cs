using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// Unpacks an image's layers into a chain of committed snapshots named by chain ID (containerd's
/// <c>rootfs.ApplyLayers</c>): for each layer whose chain snapshot is missing, prepare on the
/// previous one, apply the blob through the mounts with <see cref="SafeUnpacker"/> (whiteouts,
/// owners), check the diffID, commit with the layer's descriptor in <see cref="SnapshotLabels"/>.
/// Existing chain snapshots are reused, so a base image is unpacked once per state directory.
/// </summary>
public sealed class LayerChainUnpacker
{
    private readonly ISnapshotter _snapshotter;
    private readonly IContentProvider _content;
    private readonly string _scratch;
    private readonly KeyedLock _chains = new();

    /// <param name="scratch">Where temporary mount points go (the state's tmp directory).</param>
    public LayerChainUnpacker(ISnapshotter snapshotter, IContentProvider content, string scratch)
    {
        _snapshotter = snapshotter;
        _content = content;
        _scratch = scratch;
    }

    /// <summary>The name of the top snapshot of <paramref name="image"/>'s layers, or null when it has none.</summary>
    public async Task<string?> UnpackAsync(ResolvedImage image, CancellationToken ct)
    {
        var layers = image.Manifest.Layers;
        var diffIds = image.Config.RootFs.DiffIds;
        if (layers.Count != diffIds.Count)
            throw new InvalidDataException($"image {image.Image.Name}: {layers.Count} layers but {diffIds.Count} diffIDs in its config");
        string? parent = null;
        Digest? chain = null;
        for (var i = 0; i < layers.Count; i++)
        {
            var diffId = Digest.Parse(diffIds[i]);
            chain = ChainId.Next(chain, diffId);
            var name = chain.Value.ToString();
            if (!Exists(name))
            {
                using (await _chains.AcquireAsync(name, ct).ConfigureAwait(false))
                {
                    if (!Exists(name))
                        await ApplyAsync(name, parent, layers[i], diffId, ct).ConfigureAwait(false);
                }
            }
            parent = name;
        }
        return parent;
    }

    private async Task ApplyAsync(string name, string? parent, Oci.Descriptor layer, Digest diffId, CancellationToken ct)
    {
        var key = "extract-" + Guid.NewGuid().ToString("N");
        var mounts = await _snapshotter.PrepareAsync(key, parent, null, ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_scratch);
            using (var lease = Mounter.MountTemporary(mounts, _scratch))
            {
                await using var reader = await _content.OpenAsync(layer, ct).ConfigureAwait(false);
                var result = await SafeUnpacker.ApplyAsync(reader.Stream, lease.Directory, null, ct).ConfigureAwait(false);
                if (result.DiffId != diffId)
                    throw new InvalidDataException($"layer {layer.Digest}: uncompressed digest {result.DiffId} is not the config's diffID {diffId}");
            }
            var labels = new Dictionary<string, string>
            {
                [SnapshotLabels.LayerDigest] = layer.Digest,
                [SnapshotLabels.LayerMediaType] = layer.MediaType,
                [SnapshotLabels.LayerSize] = layer.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [SnapshotLabels.LayerDiffId] = diffId.ToString(),
            };
            try
            {
                await _snapshotter.CommitAsync(name, key, labels, ct).ConfigureAwait(false);
            }
            catch (SnapshotException) when (Exists(name))
            {
                // Another process committed the same chain first: use theirs.
                await _snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch
        {
            await SnapshotCleanup.TryRemoveAsync(_snapshotter, key).ConfigureAwait(false);
            throw;
        }
    }

    private bool Exists(string name) => SnapshotCleanup.Exists(_snapshotter, name);
}
