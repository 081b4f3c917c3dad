namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// The <c>[worker.oci]</c> gc settings of a config file, as buildkitd reads them: <c>gc</c> (on
/// unless false), the cache-wide <c>reservedSpace</c> / <c>maxUsedSpace</c> / <c>minFreeSpace</c>
/// (<c>gckeepstorage</c>, deprecated, stands for <c>reservedSpace</c>), and the rules
/// (<c>[[worker.oci.gcpolicy]]</c>); with no rules, buildkitd's four defaults.
/// </summary>
public sealed record GcConfig(bool Enabled, DiskSpace KeepStorage, DiskSpace ReservedSpace, DiskSpace MaxUsedSpace, DiskSpace MinFreeSpace, IReadOnlyList<GcPolicy> Policies)
{
    /// <summary>No config file: gc on, every limit from the disk size.</summary>
    public static GcConfig Default { get; } = new(true, default, default, default, default, []);

    private const long ReservePercentage = 10, ReserveCap = 10_000_000_000, FreePercentage = 20, MaxPercentage = 80, MaxCap = 100_000_000_000;

    /// <summary>The rules gc applies, in order, sizes resolved against <paramref name="disk"/>; empty when gc is off.</summary>
    public IReadOnlyList<GcRule> Rules(DiskStat disk) => Enabled ? EffectivePolicies(disk).Select(p => p.Resolve(disk)).ToList() : [];

    /// <summary>The configured rules, else buildkitd's defaults (<c>DefaultGCPolicy</c>).</summary>
    public IReadOnlyList<GcPolicy> EffectivePolicies(DiskStat disk)
    {
        if (Policies.Count > 0)
            return Policies;
        var (reserved, maxUsed, minFree) = (ReservedSpace, MaxUsedSpace, MinFreeSpace);
        if (reserved.IsUnset && maxUsed.IsUnset && minFree.IsUnset)
            reserved = KeepStorage;
        if (reserved.IsUnset && maxUsed.IsUnset && minFree.IsUnset)
        {
            // buildkitd's DetectDefaultGCCap: 10% reserved (at most 10 GB), 20% free, 80% used (at most 100 GB)
            reserved = new DiskSpace(0, ReservePercentage);
            if (reserved.AsBytes(disk) > ReserveCap)
                reserved = DiskSpace.FromBytes(ReserveCap);
            minFree = new DiskSpace(0, FreePercentage);
            maxUsed = new DiskSpace(0, MaxPercentage);
            if (maxUsed.AsBytes(disk) > MaxCap)
                maxUsed = DiskSpace.FromBytes(MaxCap);
        }
        return
        [
            // the most easily reproduced data, unused for 2 days, once it passes 512 MB
            new GcPolicy(false, ["type==source.local", "type==exec.cachemount", "type==source.git.checkout"], TimeSpan.FromHours(48),
                default, DiskSpace.FromBytes(512_000_000), default),
            // anything unused for 60 days
            new GcPolicy(false, [], TimeSpan.FromDays(60), reserved, maxUsed, minFree),
            // the cache under its cap
            new GcPolicy(false, [], TimeSpan.Zero, reserved, maxUsed, minFree),
            // and if that was not enough, base image layers too
            new GcPolicy(true, [], TimeSpan.Zero, reserved, maxUsed, minFree),
        ];
    }
}
