using Img.Engine.Content;
using Img.Engine.Snapshots;
using Img.Engine.Worker;

namespace Img.Engine.BuildCache;

/// <summary>
/// What the build cache holds on disk (<c>img du</c>): every snapshot of every snapshotter with
/// the cache records pointing at it, and the records with nothing on disk. Sizes are each
/// snapshot's own data (its upper or copied directory), not its parents'. Read-only: run it under
/// the state lock, so no build changes the snapshots meanwhile.
/// </summary>
public static class BuildCacheInventory
{
    /// <param name="records">Every cache record (read from the journal by the actors).</param>
    /// <param name="snapshotters">Every snapshotter with data in the state directory.</param>
    /// <param name="imageBlobs">Blobs reachable from the local images: base layers unpacked from them are <see cref="BuildCacheEntry.Internal"/>.</param>
    /// <param name="cacheMounts">The <c>RUN --mount=type=cache</c> directories' root (<c>CacheMountStore.RootIn</c>), or null.</param>
    /// <param name="uses">Cache hits by snapshot name (<see cref="BuildCacheUsage"/>): a hit makes an entry used then.</param>
    public static async Task<IReadOnlyList<BuildCacheEntry>> ComputeAsync(
        IReadOnlyList<CachedResult> records,
        IReadOnlyList<ISnapshotter> snapshotters,
        IReadOnlySet<Digest> imageBlobs,
        string? cacheMounts,
        IReadOnlyDictionary<string, CacheUse> uses,
        CancellationToken cancellationToken)
    {
        var snapshots = new List<(ISnapshotter Snapshotter, SnapshotInfo Info)>();
        var byName = new Dictionary<string, (ISnapshotter Snapshotter, SnapshotInfo Info)>(StringComparer.Ordinal);
        foreach (var snapshotter in snapshotters)
        {
            foreach (var info in snapshotter.Walk())
            {
                snapshots.Add((snapshotter, info));
                byName.TryAdd(info.Key, (snapshotter, info));
            }
        }

        var attached = new Dictionary<string, List<CachedResult>>(StringComparer.Ordinal);
        var recordOnly = new List<BuildCacheEntry>();
        foreach (var record in records)
        {
            var reference = SnapshotReference.Parse(record.Result.SnapshotId);
            if (reference.Kind == SnapshotReferenceKind.Snapshot && record.Result.Location.Length == 0 && byName.ContainsKey(reference.Name))
            {
                if (!attached.TryGetValue(reference.Name, out var list))
                    attached[reference.Name] = list = [];
                list.Add(record);
                continue;
            }
            var (type, description) = reference.Kind switch
            {
                SnapshotReferenceKind.Local => (BuildCacheEntryType.SourceLocal, "local source " + reference.Name),
                SnapshotReferenceKind.Snapshot when record.Result.Location.Length == 0 => (BuildCacheEntryType.Dangling, "record of deleted snapshot " + reference.Name),
                SnapshotReferenceKind.Snapshot => (BuildCacheEntryType.Record, $"snapshot {reference.Name} on {record.Result.Location}"),
                _ when record.Result.Image is { } image => (BuildCacheEntryType.Record, "image " + image.Digest),
                _ => (BuildCacheEntryType.Record, "empty filesystem"),
            };
            recordOnly.Add(new BuildCacheEntry(record.Key.Value, type, null, null, [record], 0, record.RecordedAt, record.RecordedAt, description, false, false));
        }

        var inUse = Closure(snapshots.Where(s => s.Info.Kind != SnapshotKind.Committed).Select(s => s.Info), byName);
        var internalNames = Closure(snapshots.Where(s => IsImageLayer(s.Info, imageBlobs)).Select(s => s.Info), byName);

        var entries = new List<BuildCacheEntry>();
        foreach (var (snapshotter, info) in snapshots)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var usage = await snapshotter.UsageAsync(info.Key, cancellationToken).ConfigureAwait(false);
            var own = attached.TryGetValue(info.Key, out var list) ? (IReadOnlyList<CachedResult>)list : [];
            var lastUsed = own.Select(r => r.RecordedAt).Append(info.Updated).Max();
            var use = uses.GetValueOrDefault(info.Key);
            if (use is not null && use.LastUsed > lastUsed)
                lastUsed = use.LastUsed;
            var type = info.Labels.ContainsKey(SnapshotLabels.LayerDiffId) ? BuildCacheEntryType.SourceImage : BuildCacheEntryType.Regular;
            entries.Add(new BuildCacheEntry(info.Key, type, snapshotter, info, own, usage.Size, info.Created, lastUsed,
                Describe(info), inUse.Contains(info.Key), internalNames.Contains(info.Key), UsageCount: use?.Count ?? 0));
        }
        entries.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));
        entries.AddRange(recordOnly.OrderBy(e => e.Created).ThenBy(e => e.Id, StringComparer.Ordinal));
        if (cacheMounts is not null && Directory.Exists(cacheMounts))
            entries.AddRange(CacheMountEntries(cacheMounts, cancellationToken));
        return entries;
    }

    /// <summary>
    /// One entry per cache mount directory (<c>HEX(id)</c>, or <c>HEX(id).N</c> for private
    /// instances); a directory still being seeded (<c>.new-</c>) is skipped. Last used = the
    /// directory's modification time: writing into a cache mount's top directory updates it.
    /// </summary>
    private static IEnumerable<BuildCacheEntry> CacheMountEntries(string root, CancellationToken cancellationToken)
    {
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (name.Contains(".new-", StringComparison.Ordinal)) continue;
            var info = new DirectoryInfo(dir);
            var usage = DiskUsage.Measure(dir, cancellationToken);
            var created = new DateTimeOffset(info.CreationTimeUtc, TimeSpan.Zero);
            var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            yield return new BuildCacheEntry("cachemount:" + name, BuildCacheEntryType.ExecCacheMount, null, null, [], usage.Size,
                created, modified > created ? modified : created, "cache mount " + CacheMountId(name), false, false, dir);
        }
    }

    private static string CacheMountId(string name)
    {
        var dot = name.IndexOf('.');
        var hex = dot < 0 ? name : name[..dot];
        string id;
        try
        {
            id = System.Text.Encoding.UTF8.GetString(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            id = hex;
        }
        return dot < 0 ? id : $"{id} (private instance {name[(dot + 1)..]})";
    }

    private static bool IsImageLayer(SnapshotInfo info, IReadOnlySet<Digest> imageBlobs) =>
        info.Labels.TryGetValue(SnapshotLabels.LayerDigest, out var digest) && Digest.TryParse(digest, out var d) && imageBlobs.Contains(d);

    /// <summary>The names of <paramref name="roots"/> and all their ancestors: a snapshot that must stay keeps its parents.</summary>
    private static HashSet<string> Closure(IEnumerable<SnapshotInfo> roots, Dictionary<string, (ISnapshotter Snapshotter, SnapshotInfo Info)> byName)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<SnapshotInfo>(roots);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!names.Add(current.Key))
                continue;
            foreach (var lower in SnapshotLowers.Of(current))
            {
                if (byName.TryGetValue(lower, out var l))
                    pending.Push(l.Info);
            }
        }
        return names;
    }

    private static string Describe(SnapshotInfo info)
    {
        if (info.Kind != SnapshotKind.Committed)
            return info.Kind == SnapshotKind.Active ? "running step" : "mounted view";
        if (info.Labels.TryGetValue(SnapshotLabels.Description, out var description) && description.Length > 0)
            return description;
        if (info.Labels.TryGetValue(SnapshotLabels.LayerDigest, out var layer))
            return "base layer " + layer;
        if (info.Labels.TryGetValue(SnapshotLabels.Merge, out var merge))
            return "merge of " + merge;
        return "snapshot";
    }
}
