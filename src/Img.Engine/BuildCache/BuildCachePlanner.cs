namespace Img.Engine.BuildCache;

/// <summary>
/// Decides what <c>img prune</c> removes from the inventory (pure: no disk access). Never an entry
/// in use; base image layers of local images only with <see cref="BuildCachePruneOptions.All"/>;
/// with <c>until</c> only older entries; with <c>keep-storage</c> the most recently used entries
/// stay as long as the kept total fits. A kept snapshot keeps its ancestors (they are its lower
/// layers: parents, and the snapshots a merge stacks). Dangling records are always removed: they cannot serve a build.
/// </summary>
public static class BuildCachePlanner
{
    public static BuildCachePrunePlan Plan(IReadOnlyList<BuildCacheEntry> entries, BuildCachePruneOptions options)
    {
        var bySnapshot = entries.Where(e => e.Snapshot is not null)
            .GroupBy(e => e.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var remove = new HashSet<BuildCacheEntry>(ReferenceEqualityComparer.Instance);
        foreach (var e in entries)
        {
            if (e.Type == BuildCacheEntryType.Dangling)
                remove.Add(e);
            else if (!e.InUse && (options.All || !e.Internal) && (options.Until is not { } until || e.LastUsed <= options.Now - until))
                remove.Add(e);
        }

        if (options.KeepStorage is { } keep)
        {
            var keptSize = entries.Where(e => !remove.Contains(e)).Sum(e => e.Size);
            foreach (var e in remove.Where(e => e.Type != BuildCacheEntryType.Dangling).OrderByDescending(e => e.LastUsed).ToList())
            {
                if (!remove.Contains(e)) continue; // kept already, as the ancestor of a newer entry
                var needed = WithAncestors(e, bySnapshot).Where(remove.Contains).ToList();
                var cost = needed.Sum(n => n.Size);
                if (keptSize + cost > keep) continue;
                remove.ExceptWith(needed);
                keptSize += cost;
            }
        }

        // the lower layers of whatever stays, stay
        foreach (var e in entries.Where(e => e.Snapshot is not null && !remove.Contains(e)))
            remove.ExceptWith(WithAncestors(e, bySnapshot).Skip(1));

        var depth = new Dictionary<BuildCacheEntry, int>(ReferenceEqualityComparer.Instance);
        foreach (var e in remove)
            depth[e] = WithAncestors(e, bySnapshot).Count();
        var ordered = remove.OrderByDescending(e => depth[e]).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        return new BuildCachePrunePlan(ordered);
    }

    /// <summary>The entry, then the entries of the snapshots below it (parents, and what a merge stacks), each once.</summary>
    private static IEnumerable<BuildCacheEntry> WithAncestors(BuildCacheEntry entry, Dictionary<string, BuildCacheEntry> bySnapshot)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<BuildCacheEntry>();
        pending.Push(entry);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            if (!seen.Add(e.Id)) continue;
            yield return e;
            foreach (var lower in e.Lowers)
            {
                if (bySnapshot.TryGetValue(lower, out var l))
                    pending.Push(l);
            }
        }
    }
}
