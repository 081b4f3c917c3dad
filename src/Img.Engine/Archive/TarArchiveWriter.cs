using System.Formats.Tar;
using System.Text;

namespace Img.Engine.Archive;

/// <summary>
/// Writes <see cref="ArchiveEntry"/> records as a PAX tar (long names, exact uid/gid and times,
/// xattrs as <c>SCHILY.xattr.*</c>), the dialect Docker and BuildKit layers use.
/// Dispose to write the end-of-archive blocks. Built on <see cref="TarWriter"/>.
/// </summary>
public sealed class TarArchiveWriter : IAsyncDisposable
{
    private readonly TarWriter _writer;
    private readonly List<string> _warnings = [];

    public TarArchiveWriter(Stream output, bool leaveOpen = false) =>
        _writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen);

    /// <summary>Things that could not be represented exactly (binary xattr values).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Writes one entry; <paramref name="data"/> (regular files only) must hold <see cref="ArchiveEntry.Size"/> bytes.</summary>
    public async ValueTask WriteEntryAsync(ArchiveEntry entry, Stream? data = null, CancellationToken cancellationToken = default)
    {
        var name = entry.Type == ArchiveEntryType.Directory && !entry.Name.EndsWith('/') ? entry.Name + "/" : entry.Name;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.AccessTime is { } atime)
            attributes["atime"] = FormatTime(atime);
        foreach (var (key, value) in entry.Xattrs.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            }
            catch (DecoderFallbackException)
            {
                _warnings.Add($"{entry.Name}: xattr {key} has a binary value that PAX text cannot carry; it was not archived");
                continue;
            }
            attributes["SCHILY.xattr." + key] = text;
        }

        var tarEntry = new PaxTarEntry(MapType(entry.Type), name, attributes)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            UserName = entry.UserName ?? "",
            GroupName = entry.GroupName ?? "",
            ModificationTime = entry.ModificationTime,
        };
        if (entry.Type is ArchiveEntryType.SymbolicLink or ArchiveEntryType.HardLink)
            tarEntry.LinkName = entry.LinkName ?? throw new ArgumentException($"{entry.Name}: a link needs a LinkName", nameof(entry));
        if (entry.Type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice)
        {
            tarEntry.DeviceMajor = entry.DeviceMajor;
            tarEntry.DeviceMinor = entry.DeviceMinor;
        }
        if (entry.Type == ArchiveEntryType.RegularFile)
            tarEntry.DataStream = data ?? (entry.Size == 0 ? null : throw new ArgumentException($"{entry.Name}: data missing", nameof(data)));
        await _writer.WriteEntryAsync(tarEntry, cancellationToken).ConfigureAwait(false);
    }

    private static TarEntryType MapType(ArchiveEntryType type) => type switch
    {
        ArchiveEntryType.RegularFile => TarEntryType.RegularFile,
        ArchiveEntryType.Directory => TarEntryType.Directory,
        ArchiveEntryType.SymbolicLink => TarEntryType.SymbolicLink,
        ArchiveEntryType.HardLink => TarEntryType.HardLink,
        ArchiveEntryType.CharacterDevice => TarEntryType.CharacterDevice,
        ArchiveEntryType.BlockDevice => TarEntryType.BlockDevice,
        ArchiveEntryType.Fifo => TarEntryType.Fifo,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static string FormatTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0) { seconds--; rest += TimeSpan.TicksPerSecond; }
        return rest == 0 ? seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"{seconds}.{rest:D7}";
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
