using System.Globalization;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Mounts;
using Img.Engine.Oci;
using Img.Engine.Snapshots;
using Img.Engine.Worker;
using Img.Engine.Worker.Export;

namespace Img.Engine.Transfer;

/// <summary>
/// Recreates another node's result here: fetches its <see cref="ResultManifest"/>, downloads the
/// layer blobs this node lacks (in parallel, bounded, each verified against its digest before it
/// is committed), and unpacks each layer into a committed snapshot named by
/// <see cref="ResultSnapshotNames"/> (checking its diffID before the commit), reusing every
/// snapshot already here: a base shared by many results is stored once per node, and fetching a
/// result a second time costs a manifest read.
/// <list type="bullet">
/// <item>Base layers are labelled as <see cref="Worker.Sources.LayerChainUnpacker"/> labels them;
/// exports reuse their blobs byte for byte.</item>
/// <item>Step layers carry the producer's description, creation time and base manifest, and their
/// blob is recorded in <see cref="LayerBlobCache"/> as their export with the manifest's settings
/// (no diff when an export asks for those); other settings diff the snapshot over its parent as
/// they would on the producer.</item>
/// </list>
/// Concurrent fetches of one result, or of one blob, share one download. A fetch that dies
/// half-way leaves only complete committed snapshots (plus an active one that the snapshotter's
/// recovery removes) and verified blobs. Thread-safe.
/// </summary>
public sealed class ResultFetcher
{
    private readonly ISnapshotter _snapshotter;
    private readonly IContentStore _content;
    private readonly LayerBlobCache _layers;
    private readonly string _scratch;
    private readonly SemaphoreSlim _downloads;
    private readonly SharedOperations<Digest, FetchedResult> _results = new();
    private readonly SharedOperations<Digest, long> _blobs = new();
    private readonly KeyedLock _snapshots = new();

    /// <param name="layers">The node's layer records (<c>VertexExecutor.Layers</c>), so its exports find the transferred blobs.</param>
    /// <param name="scratch">Where temporary mount points go (under the state's tmp directory).</param>
    public ResultFetcher(ISnapshotter snapshotter, IContentStore content, LayerBlobCache layers, string scratch, ResultFetcherOptions? options = null)
    {
        _snapshotter = snapshotter;
        _content = content;
        _layers = layers;
        _scratch = scratch;
        _downloads = new SemaphoreSlim(Math.Max(1, (options ?? new ResultFetcherOptions()).MaxConcurrentDownloads));
    }

    /// <summary>
    /// Makes the result <paramref name="manifest"/> describes present here, fetching what is
    /// missing from <paramref name="source"/>; returns the local snapshot's name.
    /// </summary>
    /// <exception cref="ResultUnavailableException">A blob of the result is held by no reachable holder.</exception>
    /// <exception cref="InvalidDataException">The manifest is not one this img reads, or a layer does not unpack to its diffID.</exception>
    public Task<FetchedResult> FetchAsync(Descriptor manifest, IBlobSource source, CancellationToken ct)
    {
        var digest = Digest.Parse(manifest.Digest);
        if (manifest.Size is < 0 or > ResultManifest.MaxSize)
            throw new InvalidDataException($"result manifest {digest} claims {manifest.Size} bytes; at most {ResultManifest.MaxSize} are accepted");
        return _results.RunAsync(digest, c => FetchCoreAsync(manifest, digest, source, c), ct);
    }

    private async Task<FetchedResult> FetchCoreAsync(Descriptor descriptor, Digest digest, IBlobSource source, CancellationToken ct)
    {
        var counts = new Counts();
        try
        {
            await EnsureBlobAsync(descriptor, source, counts, ct).ConfigureAwait(false);
            var manifest = await ReadManifestAsync(descriptor, digest, ct).ConfigureAwait(false);
            var names = ResultSnapshotNames.Of(manifest);
            var first = names.Count;
            while (first > 0 && !_snapshotter.CommittedChainExists(names[first - 1]))
                first--;

            var seed = manifest.LayerFormat.ToExportOptions();
            using var downloads = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // Bottom first, so the layer unpacked next is the one that arrives first.
            var blobs = Enumerable.Range(first, names.Count - first)
                .Select(i => EnsureBlobAsync(manifest.Layers[i].Blob, source, counts, downloads.Token))
                .ToArray();
            try
            {
                for (var i = first; i < names.Count; i++)
                {
                    await blobs[i - first].ConfigureAwait(false);
                    if (await ApplyAsync(names[i], i == 0 ? null : names[i - 1], manifest.Layers[i], seed, ct).ConfigureAwait(false))
                        counts.Unpacked++;
                }
            }
            catch
            {
                await downloads.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(blobs).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }
            return new FetchedResult(names.Count == 0 ? "" : names[^1], counts.Blobs, counts.Bytes, counts.Unpacked);
        }
        catch (ResultUnavailableException e) when (e.Result is null)
        {
            throw e.ForResult(digest);
        }
    }

    private async Task<ResultManifest> ReadManifestAsync(Descriptor descriptor, Digest digest, CancellationToken ct)
    {
        var bytes = await _content.ReadAllBytesAsync(descriptor, ct).ConfigureAwait(false);
        try
        {
            return ResultManifest.Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"result {digest}: {e.Message}", e);
        }
    }

    /// <summary>Makes the blob present in the content store, downloading it once however many fetches want it.</summary>
    private async Task EnsureBlobAsync(Descriptor blob, IBlobSource source, Counts counts, CancellationToken ct)
    {
        var digest = Digest.Parse(blob.Digest);
        if (await _content.ExistsAsync(digest, ct).ConfigureAwait(false))
            return;
        var fetched = await _blobs.RunAsync(digest, async c =>
        {
            await _downloads.WaitAsync(c).ConfigureAwait(false);
            try
            {
                if (await _content.ExistsAsync(digest, c).ConfigureAwait(false))
                    return -1L;
                ContentInfo info;
                try
                {
                    info = await source.FetchAsync(blob, new VerifyingIngester(_content, digest, blob.Size), c).ConfigureAwait(false);
                }
                catch (ContentVerificationException e)
                {
                    // A source that does not check what it delivers: the commit refused its bytes.
                    throw new ResultUnavailableException(digest, [new BlobHolderFailure(source.ToString() ?? "blob source", e.Message)]);
                }
                if (info.Digest != digest || info.Size != blob.Size)
                    throw new InvalidDataException($"blob source stored {info.Digest} ({info.Size} bytes) when asked for {digest} ({blob.Size} bytes)");
                return info.Size;
            }
            finally
            {
                _downloads.Release();
            }
        }, ct).ConfigureAwait(false);
        if (fetched >= 0)
            counts.Add(fetched);
    }

    /// <summary>Unpacks one layer into the committed snapshot <paramref name="name"/> on <paramref name="parent"/>; false when it existed.</summary>
    private async Task<bool> ApplyAsync(string name, string? parent, ResultLayer layer, ImageExportOptions? seed, CancellationToken ct)
    {
        if (_snapshotter.CommittedChainExists(name))
            return false;
        using (await _snapshots.AcquireAsync(name, ct).ConfigureAwait(false))
        {
            if (_snapshotter.CommittedChainExists(name))
                return false;
            var key = "transfer-extract-" + Guid.NewGuid().ToString("N");
            var mounts = await _snapshotter.PrepareAsync(key, parent, null, ct).ConfigureAwait(false);
            try
            {
                var diffId = Digest.Parse(layer.DiffId);
                Directory.CreateDirectory(_scratch);
                using (var lease = Mounter.MountTemporary(mounts, _scratch))
                {
                    await using var reader = await _content.OpenAsync(layer.Blob, ct).ConfigureAwait(false);
                    var result = await SafeUnpacker.ApplyAsync(reader.Stream, lease.Directory, null, ct).ConfigureAwait(false);
                    if (result.DiffId != diffId)
                        throw new InvalidDataException($"layer {layer.Blob.Digest}: uncompressed digest {result.DiffId} is not the result manifest's diffID {diffId}");
                }
                if (layer.Kind == ResultLayerKind.Step && seed is not null)
                {
                    // Before the commit: whenever the snapshot exists, so does the record of its blob.
                    var record = new LayerRecord(layer.Blob.MediaType, layer.Blob.Digest, layer.Blob.Size, layer.DiffId);
                    await _layers.SeedAsync(name, seed, record, ct).ConfigureAwait(false);
                }
                try
                {
                    await _snapshotter.CommitAsync(name, key, Labels(layer), ct).ConfigureAwait(false);
                }
                catch (SnapshotException) when (_snapshotter.CommittedChainExists(name))
                {
                    // Another process committed the same layer first: theirs is as good.
                    await _snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
                }
                return true;
            }
            catch
            {
                await SnapshotCleanup.TryRemoveAsync(_snapshotter, key).ConfigureAwait(false);
                throw;
            }
        }
    }

    private static Dictionary<string, string> Labels(ResultLayer layer)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (layer.Kind == ResultLayerKind.Base)
        {
            labels[SnapshotLabels.LayerDigest] = layer.Blob.Digest;
            labels[SnapshotLabels.LayerMediaType] = layer.Blob.MediaType;
            labels[SnapshotLabels.LayerSize] = layer.Blob.Size.ToString(CultureInfo.InvariantCulture);
            labels[SnapshotLabels.LayerDiffId] = layer.DiffId;
            return labels;
        }
        if (layer.Description.Length > 0)
            labels[SnapshotLabels.Description] = layer.Description;
        labels[SnapshotLabels.Created] = layer.Created.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        if (layer.BaseManifest is { } baseManifest)
            labels[SnapshotLabels.BaseManifest] = baseManifest;
        return labels;
    }

    private sealed class Counts
    {
        private int _blobs;
        private long _bytes;

        public int Blobs => Volatile.Read(ref _blobs);
        public long Bytes => Interlocked.Read(ref _bytes);
        public int Unpacked { get; set; }

        public void Add(long size)
        {
            Interlocked.Increment(ref _blobs);
            Interlocked.Add(ref _bytes, size);
        }
    }
}
