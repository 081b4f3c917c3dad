namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// One <c>[[worker.oci.gcpolicy]]</c> rule, as written (sizes unresolved). BuildKit's semantics:
/// entries matching <see cref="Filters"/> (any of them; none = every entry), not used for
/// <see cref="KeepDuration"/>, are deleted, least recently used first, while the cache is above
/// what the space limits keep (<see cref="GcRule.KeepBytes"/>); with no space limit at all, every
/// such entry goes. Base image layers of local images only with <see cref="All"/>.
/// </summary>
/// <param name="Line">Where the rule starts in the config file (0 for built-in rules), for messages.</param>
public sealed record GcPolicy(
    bool All,
    IReadOnlyList<string> Filters,
    TimeSpan KeepDuration,
    DiskSpace ReservedSpace,
    DiskSpace MaxUsedSpace,
    DiskSpace MinFreeSpace,
    int Line = 0)
{
    /// <summary>The rule with its sizes resolved against the filesystem.</summary>
    public GcRule Resolve(DiskStat disk) => new(All, CacheFilter.ParseAll(Filters), KeepDuration,
        ReservedSpace.AsBytes(disk), MaxUsedSpace.AsBytes(disk), MinFreeSpace.AsBytes(disk));
}
