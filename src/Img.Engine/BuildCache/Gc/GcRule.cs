namespace Img.Engine.BuildCache.Gc;

/// <summary>A gc policy with its sizes in bytes (BuildKit's <c>client.PruneInfo</c>).</summary>
public sealed record GcRule(bool All, CacheFilter Filter, TimeSpan KeepDuration, long ReservedSpace, long MaxUsedSpace, long MinFreeSpace)
{
    /// <summary>True when a space limit is set: the rule only deletes while the cache is above <see cref="KeepBytes"/>.</summary>
    public bool LimitsSpace => ReservedSpace != 0 || MaxUsedSpace != 0 || MinFreeSpace != 0;

    /// <summary>
    /// How much of a <paramref name="totalSize"/> cache this rule keeps (BuildKit's
    /// <c>calculateKeepBytes</c>): up to <see cref="MaxUsedSpace"/>, less while the disk has under
    /// <see cref="MinFreeSpace"/> free, never under <see cref="ReservedSpace"/>; 0 = no space limit.
    /// </summary>
    public long KeepBytes(long totalSize, DiskStat disk)
    {
        if (!LimitsSpace)
            return 0;
        var keep = MaxUsedSpace;
        var excess = MinFreeSpace - disk.Free;
        if (excess > 0)
            keep = keep == 0 ? totalSize - excess : Math.Min(keep, totalSize - excess);
        else if (MinFreeSpace != 0 && keep == 0)
            keep = totalSize; // only a free-space target, and it is met: nothing to delete
        return Math.Max(keep, ReservedSpace);
    }
}
