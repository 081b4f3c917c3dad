using System.Formats.Tar;
using System.Text;

namespace Img.Engine.Archive;

/// <summary>
/// Reads a tar stream (ustar, PAX, GNU: long names and link names, PAX times, uid/gid,
/// <c>SCHILY.xattr.*</c> and <c>LIBARCHIVE.xattr.*</c> attributes) as <see cref="ArchiveEntry"/>
/// records. <see cref="Data"/> is the current regular file's content, valid until the next
/// <see cref="ReadNextAsync"/>. Built on <see cref="TarReader"/>.
/// </summary>
/// <remarks>
/// PAX values are decoded as UTF-8, so a binary xattr value (e.g. <c>security.capability</c>)
/// that is not valid UTF-8 does not round-trip exactly.
/// </remarks>
public sealed class TarArchiveReader : IAsyncDisposable
{
    private const string SchilyXattr = "SCHILY.xattr.";
    private const string LibarchiveXattr = "LIBARCHIVE.xattr.";
    private readonly TarReader _reader;

    public TarArchiveReader(Stream tar, bool leaveOpen = false) => _reader = new TarReader(tar, leaveOpen);

    /// <summary>The current regular file's data, or null.</summary>
    public Stream? Data { get; private set; }

    /// <summary>The next entry, or null at the end of the archive. Global PAX headers are skipped.</summary>
    public async ValueTask<ArchiveEntry?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var entry = await _reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                Data = null;
                return null;
            }
            var type = MapType(entry.EntryType);
            if (type is null) continue;
            Data = type == ArchiveEntryType.RegularFile ? entry.DataStream ?? Stream.Null : null;
            return ToEntry(entry, type.Value);
        }
    }

    private static ArchiveEntryType? MapType(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => ArchiveEntryType.RegularFile,
        TarEntryType.Directory => ArchiveEntryType.Directory,
        TarEntryType.SymbolicLink => ArchiveEntryType.SymbolicLink,
        TarEntryType.HardLink => ArchiveEntryType.HardLink,
        TarEntryType.CharacterDevice => ArchiveEntryType.CharacterDevice,
        TarEntryType.BlockDevice => ArchiveEntryType.BlockDevice,
        TarEntryType.Fifo => ArchiveEntryType.Fifo,
        TarEntryType.GlobalExtendedAttributes => null,
        TarEntryType.SparseFile => throw new NotSupportedException("GNU sparse tar entries are not supported"),
        _ => throw new InvalidDataException($"unsupported tar entry type {type}"),
    };

    private static ArchiveEntry ToEntry(TarEntry entry, ArchiveEntryType type)
    {
        DateTimeOffset? atime = null;
        Dictionary<string, byte[]>? xattrs = null;
        if (entry is PaxTarEntry pax)
        {
            atime = pax.ExtendedAttributes.TryGetValue("atime", out var atimeText) ? ParsePaxTime(atimeText) : null;
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (key.StartsWith(SchilyXattr, StringComparison.Ordinal))
                {
                    (xattrs ??= new(StringComparer.Ordinal))[key[SchilyXattr.Length..]] = Encoding.UTF8.GetBytes(value);
                }
                else if (key.StartsWith(LibarchiveXattr, StringComparison.Ordinal))
                {
                    var xattrName = Uri.UnescapeDataString(key[LibarchiveXattr.Length..]);
                    (xattrs ??= new(StringComparer.Ordinal))[xattrName] = DecodeBase64(value);
                }
            }
        }
        else if (entry is GnuTarEntry gnu && gnu.AccessTime != default && gnu.AccessTime != DateTimeOffset.UnixEpoch)
        {
            atime = gnu.AccessTime;
        }

        var posix = entry as PosixTarEntry;
        var name = entry.Name;
        return new ArchiveEntry
        {
            Name = name,
            Type = type,
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            UserName = posix?.UserName,
            GroupName = posix?.GroupName,
            Size = type == ArchiveEntryType.RegularFile ? entry.Length : 0,
            ModificationTime = entry.ModificationTime,
            AccessTime = atime,
            LinkName = type is ArchiveEntryType.SymbolicLink or ArchiveEntryType.HardLink ? entry.LinkName : null,
            DeviceMajor = posix?.DeviceMajor ?? 0,
            DeviceMinor = posix?.DeviceMinor ?? 0,
            Xattrs = (IReadOnlyDictionary<string, byte[]>?)xattrs ?? ArchiveEntry.EmptyXattrs,
        };
    }

    private static DateTimeOffset? ParsePaxTime(string text)
    {
        var dot = text.IndexOf('.');
        var wholePart = dot < 0 ? text : text[..dot];
        if (!long.TryParse(wholePart, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return null;
        long ticks = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..].PadRight(7, '0')[..7];
            if (!long.TryParse(fraction, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ticks))
                return null;
            if (text.StartsWith('-')) ticks = -ticks;
        }
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks);
    }

    private static byte[] DecodeBase64(string value)
    {
        var padded = value.PadRight(value.Length + (4 - value.Length % 4) % 4, '=');
        return Convert.FromBase64String(padded);
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
