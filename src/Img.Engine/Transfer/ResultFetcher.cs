using System.Globalization;
using System.IO.Pipelines;
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
    private int _streamed;

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

    /// <summary>Layers committed from the bytes of their download (not read back from the store).</summary>
    internal int LayersStreamed => Volatile.Read(ref _streamed);

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
            var layers = new Task<bool>[names.Count - first];
            try
            {
                // The lowest missing layer is unpacked while it downloads; the blobs above it download
                // meanwhile, bottom first, and each is unpacked once the one below is committed.
                Task? below = null;
                for (var i = first; i < names.Count; i++)
                {
                    var (name, parent, layer) = (names[i], i == 0 ? null : names[i - 1], manifest.Layers[i]);
                    if (i == first && !await _content.ExistsAsync(Digest.Parse(layer.Blob.Digest), ct).ConfigureAwait(false))
                    {
                        layers[0] = ApplyWhileDownloadingAsync(name, parent, layer, seed, source, counts, downloads.Token);
                    }
                    else
                    {
                        var blob = EnsureBlobAsync(layer.Blob, source, counts, downloads.Token);
                        var after = below;
                        layers[i - first] = ApplyAfterAsync(after, blob, () => ApplyAsync(name, parent, layer, seed, downloads.Token));
                    }
                    below = layers[i - first];
                }
                foreach (var layer in layers)
                {
                    if (await layer.ConfigureAwait(false))
                        counts.Unpacked++;
                }
            }
            catch
            {
                await downloads.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(layers.Where(t => t is not null)).ContinueWith(_ => { }, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
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

    /// <summary>Waits for the layer below and for this layer's blob, then unpacks.</summary>
    private static async Task<bool> ApplyAfterAsync(Task? below, Task blob, Func<Task<bool>> apply)
    {
        try
        {
            if (below is not null)
                await below.ConfigureAwait(false);
        }
        finally
        {
            // Observed even when the layer below failed: the download's failure is reported by whoever waits on it, not lost.
            await blob.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
        await blob.ConfigureAwait(false);
        return await apply().ConfigureAwait(false);
    }

    /// <summary>Makes the blob present in the content store, downloading it once however many fetches want it.</summary>
    /// <param name="through">Where this caller's download writes (a tee to an unpacker); unused when another caller's download is joined.</param>
    private async Task EnsureBlobAsync(Descriptor blob, IBlobSource source, Counts counts, CancellationToken ct, IContentIngester? through = null)
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
                    info = await source.FetchAsync(blob, new VerifyingIngester(through ?? _content, digest, blob.Size), c).ConfigureAwait(false);
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

    /// <summary>Unpacks one layer, its blob in the store, into the committed snapshot <paramref name="name"/> on <paramref name="parent"/>; false when it existed.</summary>
    private async Task<bool> ApplyAsync(string name, string? parent, ResultLayer layer, ImageExportOptions? seed, CancellationToken ct)
    {
        if (_snapshotter.CommittedChainExists(name))
            return false;
        using (await _snapshots.AcquireAsync(name, ct).ConfigureAwait(false))
        {
            if (_snapshotter.CommittedChainExists(name))
                return false;
            await UnpackAndCommitAsync(name, parent, layer, seed, async (directory, c) =>
            {
                await using var reader = await _content.OpenAsync(layer.Blob, c).ConfigureAwait(false);
                return (await SafeUnpacker.ApplyAsync(reader.Stream, directory, null, c).ConfigureAwait(false)).DiffId;
            }, ct).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Downloads a layer's blob and unpacks it from the bytes as they arrive (<see cref="TeeIngester"/>):
    /// the unpacked tree is committed only after the blob has been verified and stored, and the
    /// diffID checked. When the streamed bytes turn out void (another holder had to be asked, or
    /// another fetch was already downloading the blob) the layer is unpacked again from the store.
    /// </summary>
    private async Task<bool> ApplyWhileDownloadingAsync(string name, string? parent, ResultLayer layer, ImageExportOptions? seed,
        IBlobSource source, Counts counts, CancellationToken ct)
    {
        if (_snapshotter.CommittedChainExists(name))
        {
            await EnsureBlobAsync(layer.Blob, source, counts, ct).ConfigureAwait(false);
            return false;
        }
        using (await _snapshots.AcquireAsync(name, ct).ConfigureAwait(false))
        {
            if (_snapshotter.CommittedChainExists(name))
            {
                await EnsureBlobAsync(layer.Blob, source, counts, ct).ConfigureAwait(false);
                return false;
            }
            // The download starts first, so that it is the first to get a download slot; the pipe holds
            // what arrives while the snapshot is prepared.
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16 << 20, resumeWriterThreshold: 8 << 20, useSynchronizationContext: false));
            var tee = new TeeIngester(_content, pipe.Writer);
            var download = EnsureBlobAsync(layer.Blob, source, counts, ct, tee);
            var reading = false;
            bool streamed;
            try
            {
                streamed = await UnpackAndCommitAsync(name, parent, layer, seed, async (directory, c) =>
                {
                    reading = true;
                    var unpack = Task.Run(async () =>
                    {
                        try
                        {
                            await using var bytes = pipe.Reader.AsStream(leaveOpen: true);
                            return (await SafeUnpacker.ApplyAsync(bytes, directory, null, c).ConfigureAwait(false)).DiffId;
                        }
                        finally
                        {
                            // A reader that stopped early must not hold the download back.
                            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
                        }
                    }, CancellationToken.None);
                    Exception? failed = null;
                    try
                    {
                        await download.ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        failed = e;
                    }
                    finally
                    {
                        tee.End(new IOException("the blob did not stream through this fetch"));
                    }
                    // Always awaited: the directory is unmounted when this returns, and nothing may still write there.
                    Digest? applied = null;
                    try
                    {
                        applied = await unpack.ConfigureAwait(false);
                    }
                    catch (Exception) when (failed is not null || !c.IsCancellationRequested)
                    {
                        // A void stream (another holder had to be asked, another fetch had the blob),
                        // or a bad one: the store's verified copy decides.
                    }
                    if (failed is not null)
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
                    return applied;
                }, ct).ConfigureAwait(false);
            }
            finally
            {
                // The snapshot could not even be prepared: let the download go on into the store alone
                // (from the reader's side, which may be closed while the download writes).
                if (!reading)
                    await pipe.Reader.CompleteAsync().ConfigureAwait(false);
                await download.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
            await download.ConfigureAwait(false);
            if (streamed)
                Interlocked.Increment(ref _streamed);
            else
            {
                await UnpackAndCommitAsync(name, parent, layer, seed, async (directory, c) =>
                {
                    await using var reader = await _content.OpenAsync(layer.Blob, c).ConfigureAwait(false);
                    return (await SafeUnpacker.ApplyAsync(reader.Stream, directory, null, c).ConfigureAwait(false)).DiffId;
                }, ct).ConfigureAwait(false);
            }
            return true;
        }
    }

    /// <summary>
    /// Prepares an active snapshot on <paramref name="parent"/>, lets <paramref name="unpack"/> fill
    /// it through its mounts (returning the diffID of what it applied, or null to give up without
    /// error), checks the diffID, records a step's blob, and commits. False when given up; the
    /// active snapshot is removed on every path but the commit.
    /// </summary>
    private async Task<bool> UnpackAndCommitAsync(string name, string? parent, ResultLayer layer, ImageExportOptions? seed,
        Func<string, CancellationToken, Task<Digest?>> unpack, CancellationToken ct)
    {
        var key = "transfer-extract-" + Guid.NewGuid().ToString("N");
        var mounts = await _snapshotter.PrepareAsync(key, parent, null, ct).ConfigureAwait(false);
        try
        {
            var diffId = Digest.Parse(layer.DiffId);
            Digest? applied;
            Directory.CreateDirectory(_scratch);
            using (var lease = Mounter.MountTemporary(mounts, _scratch))
                applied = await unpack(lease.Directory, ct).ConfigureAwait(false);
            if (applied is not { } actual)
            {
                await _snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
                return false;
            }
            if (actual != diffId)
                throw new InvalidDataException($"layer {layer.Blob.Digest}: uncompressed digest {actual} is not the result manifest's diffID {diffId}");
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
