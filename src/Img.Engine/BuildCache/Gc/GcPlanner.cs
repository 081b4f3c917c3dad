namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// Decides what automatic gc removes (pure), rule after rule as BuildKit's cache manager prunes:
/// the cache total counts every entry but base layers of local images (BuildKit's "shared");
/// a rule's candidates are entries not in use, not such base layers unless the rule says
/// <c>all</c>, not used within its keep duration, matching its filters, and with nothing kept
/// stacked on them (a parent goes after its children). A rule with space limits removes one
/// candidate at a time, least recently and least often used first, until the total is under
/// what it keeps; a rule without removes every candidate. Dangling records always go.
/// </summary>
public static class GcPlanner
{
    public static GcPlan Plan(IReadOnlyList<BuildCacheEntry> entries, IReadOnlyList<GcRule> rules, DiskStat disk, DateTimeOffset now)
    {
        var removed = new List<BuildCacheEntry>();
        var gone = new HashSet<BuildCacheEntry>(ReferenceEqualityComparer.Instance);
        foreach (var e in entries.Where(e => e.Type == BuildCacheEntryType.Dangling))
        {
            removed.Add(e);
            gone.Add(e);
        }
        var total = entries.Where(e => !e.Internal && !gone.Contains(e)).Sum(e => e.Size);
        var outcomes = new List<GcRuleOutcome>();
        foreach (var rule in rules)
        {
            var keep = rule.KeepBytes(total, disk);
            while (true)
            {
                if (keep != 0 && total < keep)
                    break;
                var candidates = Candidates(entries, gone, rule, now);
                if (candidates.Count == 0)
                    break;
                List<BuildCacheEntry> batch = keep != 0 ? [LeastUsed(candidates)] : candidates;
                foreach (var e in batch)
                {
                    removed.Add(e);
                    gone.Add(e);
                    total -= e.Size;
                }
            }
            outcomes.Add(Outcome(entries, gone, rule, now));
        }
        return new GcPlan(new BuildCachePrunePlan(removed), total, outcomes);
    }

    private static List<BuildCacheEntry> Candidates(IReadOnlyList<BuildCacheEntry> entries, HashSet<BuildCacheEntry> gone, GcRule rule, DateTimeOffset now)
    {
        var below = entries.Where(e => !gone.Contains(e)).SelectMany(e => e.Lowers).ToHashSet(StringComparer.Ordinal);
        var cutOff = now - rule.KeepDuration;
        return entries.Where(e => !gone.Contains(e) && !e.InUse && (rule.All || !e.Internal)
                && (e.Snapshot is null || !below.Contains(e.Id))
                && (rule.KeepDuration == TimeSpan.Zero || e.LastUsed <= cutOff)
                && rule.Filter.Matches(e))
            .ToList();
    }

    /// <summary>What the rule could remove later: when its next entry ages past the keep duration, and whether anything is left it could remove now.</summary>
    private static GcRuleOutcome Outcome(IReadOnlyList<BuildCacheEntry> entries, HashSet<BuildCacheEntry> gone, GcRule rule, DateTimeOffset now)
    {
        var exhausted = Candidates(entries, gone, rule, now).Count == 0;
        var next = now + rule.KeepDuration; // the earliest an entry made from now on is old enough
        if (rule.KeepDuration > TimeSpan.Zero)
        {
            foreach (var e in entries.Where(e => !gone.Contains(e) && !e.InUse && (rule.All || !e.Internal) && rule.Filter.Matches(e)))
            {
                var due = e.LastUsed + rule.KeepDuration;
                if (due < next) next = due;
            }
        }
        return new GcRuleOutcome(exhausted, next);
    }

    /// <summary>BuildKit's <c>sortDeleteRecords</c>: rank by last use and by use count, each scaled to 0..1, lowest sum first.</summary>
    private static BuildCacheEntry LeastUsed(List<BuildCacheEntry> candidates)
    {
        var byTime = candidates.OrderBy(e => e.LastUsed).ToList();
        var timeRank = new Dictionary<BuildCacheEntry, double>(ReferenceEqualityComparer.Instance);
        double maxTime = 1;
        var last = DateTimeOffset.MinValue;
        foreach (var e in byTime)
        {
            if (e.LastUsed > last)
            {
                last = e.LastUsed;
                maxTime++;
            }
            timeRank[e] = maxTime;
        }
        var countRank = new Dictionary<BuildCacheEntry, double>(ReferenceEqualityComparer.Instance);
        double maxCount = 1;
        var count = 0;
        foreach (var e in candidates.OrderBy(e => e.UsageCount))
        {
            if (e.UsageCount != count)
            {
                count = e.UsageCount;
                maxCount++;
            }
            countRank[e] = maxCount;
        }
        return candidates.OrderBy(e => timeRank[e] / maxTime + countRank[e] / maxCount).ThenBy(e => e.LastUsed).ThenBy(e => e.Id, StringComparer.Ordinal).First();
    }
}
