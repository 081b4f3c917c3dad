using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Diff.Overlay;
using Img.Engine.Mounts;
using Img.Engine.Oci;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker.Export;

/// <summary>
/// The layer blob of a committed build-step snapshot (its diff over its parent, compressed, in the
/// content store), computed once per snapshot and export settings (compression and level,
/// SOURCE_DATE_EPOCH) and remembered in <c>&lt;state&gt;/cache/layers/</c>, so a later export reuses
/// the blob without diffing again (BuildKit keeps the same on its cache records). The same goes
/// for a base-image layer recompressed for <c>force-compression</c> (<see cref="GetConvertedAsync"/>).
/// A record whose blob has left the content store is recomputed. Concurrent requests for one
/// layer share one computation.
/// </summary>
public sealed class LayerBlobCache
{
    private readonly ISnapshotter _snapshotter;
    private readonly IDiffComparer _comparer;
    private readonly IContentStore _content;
    private readonly string _records;
    private readonly ConcurrentDictionary<string, Lazy<Task<LayerRecord>>> _inflight = new(StringComparer.Ordinal);
    private long _diffs;

    public LayerBlobCache(ISnapshotter snapshotter, IContentStore content, string recordsDirectory)
    {
        _snapshotter = snapshotter;
        _comparer = DiffComparerFactory.For(snapshotter.Name);
        _content = content;
        _records = recordsDirectory;
    }

    /// <summary>Layers diffed by this instance (not answered from a record).</summary>
    public long LayersDiffed => Interlocked.Read(ref _diffs);

    /// <summary>The layer of <paramref name="snapshot"/> over <paramref name="parent"/> (null = over nothing).</summary>
    public Task<LayerRecord> GetAsync(string snapshot, string? parent, ImageExportOptions options, CancellationToken ct) =>
        GetOrComputeAsync(snapshot + "\n" + Variant(options, withEpoch: true), path => ComputeAsync(snapshot, parent, options, path), ct);

    /// <summary>
    /// The layer <paramref name="blob"/> (whose diffID is <paramref name="diffId"/>) recompressed as
    /// <paramref name="options"/> say; the tar inside is not changed, so the diffID stays.
    /// </summary>
    /// <exception cref="InvalidDataException">The blob does not decompress to <paramref name="diffId"/>.</exception>
    public Task<LayerRecord> GetConvertedAsync(Descriptor blob, string diffId, ImageExportOptions options, CancellationToken ct) =>
        GetOrComputeAsync("convert " + blob.Digest + "\n" + Variant(options, withEpoch: false), path => ConvertAsync(blob, diffId, options, path), ct);

    /// <summary>
    /// Remembers <paramref name="record"/> as the layer <see cref="GetAsync"/> gives for
    /// <paramref name="snapshot"/> with <paramref name="options"/>, without diffing: the snapshot
    /// was unpacked from that very blob (a build step's layer transferred from another node), so a
    /// later export with the same settings reuses the blob. The blob must be in the content store.
    /// </summary>
    public Task SeedAsync(string snapshot, ImageExportOptions options, LayerRecord record, CancellationToken ct) =>
        RememberAsync(RecordPath(snapshot + "\n" + Variant(options, withEpoch: true)), record, ct);

    private string RecordPath(string key) =>
        Path.Join(_records, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private async Task<LayerRecord> GetOrComputeAsync(string key, Func<string, Task<LayerRecord>> compute, CancellationToken ct)
    {
        var recordPath = RecordPath(key);
        var id = Path.GetFileNameWithoutExtension(recordPath);
        var known = await TryReadAsync(recordPath, ct).ConfigureAwait(false);
        if (known is not null)
            return known;
        var lazy = _inflight.GetOrAdd(id, _ => new Lazy<Task<LayerRecord>>(() => compute(recordPath)));
        try
        {
            return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompleted)
                _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<LayerRecord>>>(id, lazy));
        }
    }

    /// <summary>
    /// What besides the content decides the blob's bytes: compression and level, the epoch (for
    /// diffs), and the blob format's version (bumped when img writes the same tar differently).
    /// </summary>
    private static string Variant(ImageExportOptions options, bool withEpoch) =>
        string.Join('|', LayerBlobFormat.Version, LayerCompressionOptions.NameOf(options.Compression.Compression),
            options.Compression.EffectiveLevel.ToString(CultureInfo.InvariantCulture),
            withEpoch ? options.SourceDateEpoch?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) ?? "-" : "");

    private async Task<LayerRecord?> TryReadAsync(string path, CancellationToken ct)
    {
        LayerRecord? record;
        try
        {
            await using var file = File.OpenRead(path);
            record = await JsonSerializer.DeserializeAsync<LayerRecord>(file, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
        if (record is null || !Digest.TryParse(record.Digest, out var digest) || !await _content.ExistsAsync(digest, ct).ConfigureAwait(false))
            return null;
        return record;
    }

    private async Task<LayerRecord> ComputeAsync(string snapshot, string? parent, ImageExportOptions options, string recordPath)
    {
        // Not cancellable once started: a shared diff may serve several waiters.
        var ct = CancellationToken.None;
        var upperKey = "export-" + Guid.NewGuid().ToString("N");
        var lowerKey = parent is null ? null : "export-" + Guid.NewGuid().ToString("N");
        try
        {
            var upper = await _snapshotter.ViewAsync(upperKey, snapshot, null, ct).ConfigureAwait(false);
            IReadOnlyList<Mount> lower = lowerKey is null ? [] : await _snapshotter.ViewAsync(lowerKey, parent, null, ct).ConfigureAwait(false);
            if (_comparer is OverlayDiffComparer)
                upper = CommittedUpper(upper);

            LayerBlob blob;
            await using (var writer = await _content.OpenWriterAsync(ct).ConfigureAwait(false))
            {
                blob = await LayerExporter.ExportAsync(_comparer, lower, upper, writer.Stream, options.Compression,
                    new DiffOptions(options.SourceDateEpoch), options.CompressionParallelism, ct).ConfigureAwait(false);
                await writer.CommitAsync(Digest.Parse(blob.Digest), blob.Size, ct).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _diffs);
            return await RememberAsync(recordPath, blob, ct).ConfigureAwait(false);
        }
        finally
        {
            await SnapshotCleanup.TryRemoveAsync(_snapshotter, upperKey).ConfigureAwait(false);
            if (lowerKey is not null)
                await SnapshotCleanup.TryRemoveAsync(_snapshotter, lowerKey).ConfigureAwait(false);
        }
    }

    private async Task<LayerRecord> ConvertAsync(Descriptor source, string diffId, ImageExportOptions options, string recordPath)
    {
        var ct = CancellationToken.None; // shared by every waiter, like a diff
        LayerBlob blob;
        await using (var reader = await _content.OpenAsync(source, ct).ConfigureAwait(false))
        await using (var tar = await Compression.OpenDecompressedAsync(reader.Stream, leaveOpen: true, ct).ConfigureAwait(false))
        await using (var writer = await _content.OpenWriterAsync(ct).ConfigureAwait(false))
        {
            using (var layer = new LayerBlobWriter(writer.Stream, options.Compression, options.CompressionParallelism))
            {
                await tar.CopyToAsync(layer, 1 << 20, ct).ConfigureAwait(false);
                blob = layer.Complete();
            }
            if (blob.DiffId != diffId)
                throw new InvalidDataException($"layer {source.Digest} decompresses to {blob.DiffId}, but its image says diffID {diffId}");
            await writer.CommitAsync(Digest.Parse(blob.Digest), blob.Size, ct).ConfigureAwait(false);
        }
        return await RememberAsync(recordPath, blob, ct).ConfigureAwait(false);
    }

    private Task<LayerRecord> RememberAsync(string recordPath, LayerBlob blob, CancellationToken ct) =>
        RememberAsync(recordPath, new LayerRecord(blob.MediaType, blob.Digest, blob.Size, blob.DiffId), ct);

    private async Task<LayerRecord> RememberAsync(string recordPath, LayerRecord record, CancellationToken ct)
    {
        Directory.CreateDirectory(_records);
        var temp = recordPath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(record), ct).ConfigureAwait(false);
        File.Move(temp, recordPath, overwrite: true);
        return record;
    }

    /// <summary>
    /// A committed overlay snapshot's view, presented the way the overlay differ reads an active
    /// one: its own directory as <c>upperdir</c>, its parents as <c>lowerdir</c>. The differ only
    /// reads these directories; nothing is mounted.
    /// </summary>
    internal static IReadOnlyList<Mount> CommittedUpper(IReadOnlyList<Mount> view)
    {
        if (view.Count != 1 || !string.IsNullOrEmpty(view[0].Target))
            return view;
        var m = view[0];
        if (m.Type == "bind")
            return [Mount.Bind(m.Source, readOnly: false)]; // no parent: the whole tree is new
        if (m.Type is "overlay" or Mounter.FuseOverlayType && m.Option("upperdir") is null && m.Option("lowerdir") is { } lowerdir)
        {
            var dirs = lowerdir.Split(':', StringSplitOptions.RemoveEmptyEntries);
            return [new Mount(m.Type, m.Source, ["upperdir=" + dirs[0], "lowerdir=" + string.Join(':', dirs.Skip(1))])];
        }
        return view;
    }
}
