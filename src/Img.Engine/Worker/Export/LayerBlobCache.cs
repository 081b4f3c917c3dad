using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Diff.Overlay;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker.Export;

/// <summary>
/// The layer blob of a committed build-step snapshot (its diff over its parent, compressed, in the
/// content store), computed once per snapshot and export settings (compression, SOURCE_DATE_EPOCH)
/// and remembered in <c>&lt;state&gt;/cache/layers/</c>, so a later export reuses the blob without
/// diffing again (BuildKit keeps the same on its cache records). A record whose blob has left the
/// content store is recomputed. Concurrent requests for one layer share one diff.
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
    public async Task<LayerRecord> GetAsync(string snapshot, string? parent, ImageExportOptions options, CancellationToken ct)
    {
        var variant = options.Compression + "|" + (options.SourceDateEpoch?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(snapshot + "\n" + variant)));
        var recordPath = Path.Join(_records, id + ".json");
        var known = await TryReadAsync(recordPath, ct).ConfigureAwait(false);
        if (known is not null)
            return known;
        var lazy = _inflight.GetOrAdd(id, _ => new Lazy<Task<LayerRecord>>(() => ComputeAsync(snapshot, parent, options, recordPath)));
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
                    new DiffOptions(options.SourceDateEpoch), options.CompressionParallelism, options.CompressionLevel, ct).ConfigureAwait(false);
                await writer.CommitAsync(Digest.Parse(blob.Digest), blob.Size, ct).ConfigureAwait(false);
            }
            Interlocked.Increment(ref _diffs);
            var record = new LayerRecord(blob.MediaType, blob.Digest, blob.Size, blob.DiffId);
            Directory.CreateDirectory(_records);
            var temp = recordPath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(record), ct).ConfigureAwait(false);
            File.Move(temp, recordPath, overwrite: true);
            return record;
        }
        finally
        {
            await SnapshotCleanup.TryRemoveAsync(_snapshotter, upperKey).ConfigureAwait(false);
            if (lowerKey is not null)
                await SnapshotCleanup.TryRemoveAsync(_snapshotter, lowerKey).ConfigureAwait(false);
        }
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
