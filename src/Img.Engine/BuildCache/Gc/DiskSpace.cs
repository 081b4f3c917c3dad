using System.Globalization;
using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.BuildCache.Gc;

/// <summary>
/// An amount of disk space as buildkitd.toml writes it: bytes (<c>512MB</c>, <c>10GB</c> in binary
/// units, or a plain integer) or a percentage of the state directory's filesystem (<c>10%</c>).
/// Zero means unset.
/// </summary>
public readonly record struct DiskSpace(long Bytes, long Percentage)
{
    public bool IsUnset => Bytes == 0 && Percentage == 0;

    public static DiskSpace FromBytes(long bytes) => new(bytes, 0);

    /// <summary>Parses <c>N%</c> or a size; null when it is neither.</summary>
    public static DiskSpace? TryParse(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
            return default(DiskSpace);
        if (text.EndsWith('%'))
            return long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? new DiskSpace(0, p) : null;
        return RunMount.RamInBytes(text) is { } bytes ? FromBytes(bytes) : null;
    }

    /// <summary>
    /// The bytes this stands for on <paramref name="disk"/> (buildkitd's rule: a percentage is rounded
    /// up to whole decimal gigabytes; with no disk size known, 2 GB).
    /// </summary>
    public long AsBytes(DiskStat disk)
    {
        if (Bytes != 0)
            return Bytes;
        if (Percentage == 0)
            return 0;
        if (disk.Total == 0)
            return 2_000_000_000;
        var share = disk.Total * Percentage / 100;
        return (share / (1L << 30) + 1) * 1_000_000_000;
    }

    public override string ToString() => Percentage != 0 ? Percentage.ToString(CultureInfo.InvariantCulture) + "%" : Bytes.ToString(CultureInfo.InvariantCulture);
}
