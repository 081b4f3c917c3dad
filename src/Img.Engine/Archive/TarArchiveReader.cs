using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Img.Engine.Archive;

/// <summary>
/// Reads a tar stream (ustar, PAX, GNU: long names and link names, PAX times, uid/gid, user and
/// group names, <c>SCHILY.xattr.*</c> and <c>LIBARCHIVE.xattr.*</c> attributes) as
/// <see cref="ArchiveEntry"/> records. <see cref="Data"/> is the current regular file's content,
/// valid until the next <see cref="ReadNextAsync"/>, which skips whatever of it was not read.
/// </summary>
/// <remarks>
/// Parsed here rather than with <c>System.Formats.Tar</c>, which decodes PAX values as UTF-8 (and
/// rejects records whose value contains a newline byte): xattr values such as
/// <c>security.capability</c> are binary, and are kept byte for byte. The writer is
/// <see cref="PaxTarWriter"/>.
/// </remarks>
public sealed class TarArchiveReader : IAsyncDisposable
{
    private const int Block = PaxTarWriter.Block;
    private const string SchilyXattr = "SCHILY.xattr.";
    private const string LibarchiveXattr = "LIBARCHIVE.xattr.";

    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[Block];
    private EntryData? _data;

    public TarArchiveReader(Stream tar, bool leaveOpen = false)
    {
        _input = tar;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The current regular file's data, or null.</summary>
    public Stream? Data => _data is { IsRegularFile: true } d ? d : null;

    /// <summary>The next entry, or null at the end of the archive. Global PAX headers are skipped.</summary>
    /// <exception cref="InvalidDataException">A malformed header or an unsupported entry type.</exception>
    /// <exception cref="NotSupportedException">A GNU sparse file.</exception>
    public async ValueTask<ArchiveEntry?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<string, byte[]>? pax = null;
        string? gnuLongName = null;
        string? gnuLongLink = null;
        while (true)
        {
            await SkipRestOfEntryAsync(cancellationToken).ConfigureAwait(false);
            if (!await ReadBlockAsync(_header, cancellationToken).ConfigureAwait(false) || IsZero(_header))
                return null;
            VerifyChecksum(_header);
            var typeFlag = (char)_header[156];
            var size = Number(_header.AsSpan(124, 12), "size");
            if (pax is not null && pax.TryGetValue("size", out var paxSize) && typeFlag is not ('x' or 'g' or 'L' or 'K'))
                size = ParseLong(paxSize, "size");
            if (size < 0)
                throw new InvalidDataException("tar header has a negative size");

            switch (typeFlag)
            {
                case 'x':
                    pax ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    ParsePaxRecords(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false), pax);
                    continue;
                case 'g':
                    await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false);
                    continue;
                case 'L':
                    gnuLongName = CString(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false));
                    continue;
                case 'K':
                    gnuLongLink = CString(await ReadMetadataAsync(size, cancellationToken).ConfigureAwait(false));
                    continue;
                case 'S':
                    throw new NotSupportedException("GNU sparse tar entries are not supported");
            }
            if (pax is not null && pax.Keys.Any(k => k.StartsWith("GNU.sparse.", StringComparison.Ordinal)))
                throw new NotSupportedException("GNU sparse tar entries are not supported");

            var type = typeFlag switch
            {
                '0' or '\0' or '7' => ArchiveEntryType.RegularFile,
                '1' => ArchiveEntryType.HardLink,
                '2' => ArchiveEntryType.SymbolicLink,
                '3' => ArchiveEntryType.CharacterDevice,
                '4' => ArchiveEntryType.BlockDevice,
                '5' => ArchiveEntryType.Directory,
                '6' => ArchiveEntryType.Fifo,
                _ => throw new InvalidDataException($"unsupported tar entry type '{typeFlag}'"),
            };
            var entry = ToEntry(_header, type, size, pax, gnuLongName, gnuLongLink);
            _data = new EntryData(_input, size, type == ArchiveEntryType.RegularFile);
            return entry;
        }
    }

    private static ArchiveEntry ToEntry(byte[] h, ArchiveEntryType type, long size, Dictionary<string, byte[]>? pax,
        string? gnuLongName, string? gnuLongLink)
    {
        var magic = h.AsSpan(257, 8);
        var isUstar = magic.StartsWith("ustar\0"u8);
        var isGnu = magic.SequenceEqual("ustar  \0"u8);
        var modern = isUstar || isGnu;

        var name = CString(h.AsSpan(0, 100));
        if (isUstar && h[345] != 0)
            name = CString(h.AsSpan(345, 155)) + "/" + name;
        name = Text(pax, "path") ?? gnuLongName ?? name;
        var link = Text(pax, "linkpath") ?? gnuLongLink ?? CString(h.AsSpan(157, 100));

        var mtime = Time(pax, "mtime") ?? DateTimeOffset.UnixEpoch.AddSeconds(Number(h.AsSpan(136, 12), "mtime"));
        var atime = Time(pax, "atime");
        if (atime is null && isGnu && h[345] != 0)
        {
            var gnuAtime = Number(h.AsSpan(345, 12), "atime");
            if (gnuAtime != 0)
                atime = DateTimeOffset.UnixEpoch.AddSeconds(gnuAtime);
        }

        Dictionary<string, byte[]>? xattrs = null;
        if (pax is not null)
        {
            foreach (var (key, value) in pax)
            {
                if (key.StartsWith(SchilyXattr, StringComparison.Ordinal))
                    (xattrs ??= new(StringComparer.Ordinal))[key[SchilyXattr.Length..]] = value;
                else if (key.StartsWith(LibarchiveXattr, StringComparison.Ordinal))
                    (xattrs ??= new(StringComparer.Ordinal))[Uri.UnescapeDataString(key[LibarchiveXattr.Length..])] = DecodeBase64(Encoding.ASCII.GetString(value));
            }
        }

        return new ArchiveEntry
        {
            Name = name,
            Type = type,
            Mode = (UnixFileMode)(Number(h.AsSpan(100, 8), "mode") & 0xFFF),
            Uid = (int)(Long(pax, "uid") ?? Number(h.AsSpan(108, 8), "uid")),
            Gid = (int)(Long(pax, "gid") ?? Number(h.AsSpan(116, 8), "gid")),
            UserName = Text(pax, "uname") ?? (modern ? CString(h.AsSpan(265, 32)) : null),
            GroupName = Text(pax, "gname") ?? (modern ? CString(h.AsSpan(297, 32)) : null),
            Size = type == ArchiveEntryType.RegularFile ? size : 0,
            ModificationTime = mtime,
            AccessTime = atime,
            LinkName = type is ArchiveEntryType.SymbolicLink or ArchiveEntryType.HardLink ? link : null,
            DeviceMajor = modern && type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice ? (int)Number(h.AsSpan(329, 8), "devmajor") : 0,
            DeviceMinor = modern && type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice ? (int)Number(h.AsSpan(337, 8), "devminor") : 0,
            Xattrs = (IReadOnlyDictionary<string, byte[]>?)xattrs ?? ArchiveEntry.EmptyXattrs,
        };
    }

    // ---- stream handling ----

    private async ValueTask SkipRestOfEntryAsync(CancellationToken cancellationToken)
    {
        if (_data is null)
            return;
        var skip = _data.Remaining + Padding(_data.Length);
        _data = null;
        if (skip == 0)
            return;
        if (_input.CanSeek)
        {
            _input.Seek(skip, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[(int)Math.Min(skip, 81920)];
        while (skip > 0)
        {
            var n = await _input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, skip)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw new EndOfStreamException("tar archive ends inside an entry");
            skip -= n;
        }
    }

    private static long Padding(long size) => (Block - size % Block) % Block;

    // False at a clean end of the stream; a partial block is an error.
    private async ValueTask<bool> ReadBlockAsync(byte[] block, CancellationToken cancellationToken)
    {
        var read = await _input.ReadAtLeastAsync(block, Block, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            return false;
        if (read < Block)
            throw new EndOfStreamException("tar archive ends inside a header");
        return true;
    }

    // The data of a metadata entry (PAX, GNU long name) and its padding.
    private async ValueTask<byte[]> ReadMetadataAsync(long size, CancellationToken cancellationToken)
    {
        if (size > 16 << 20)
            throw new InvalidDataException($"tar metadata entry of {size} bytes is too large");
        var data = new byte[size + Padding(size)];
        await _input.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        return data.AsSpan(0, (int)size).ToArray();
    }

    // ---- field decoding ----

    private static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    private static void VerifyChecksum(ReadOnlySpan<byte> h)
    {
        var expected = Number(h.Slice(148, 8), "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < h.Length; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : h[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        if (expected != unsigned && expected != signed)
            throw new InvalidDataException("tar header checksum mismatch");
    }

    /// <summary>An octal field (space/NUL padded), or GNU base-256 when the high bit is set.</summary>
    private static long Number(ReadOnlySpan<byte> field, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            var negative = (field[0] & 0x40) != 0;
            long value = negative ? -1 : 0;
            var first = true;
            foreach (var b in field)
            {
                var v = first ? (byte)(b & 0x7F | (negative ? 0x80 : 0)) : b;
                first = false;
                value = (value << 8) | v;
            }
            return value;
        }
        var trimmed = field.Trim((byte)' ').TrimEnd((byte)0).Trim((byte)' ');
        var nul = trimmed.IndexOf((byte)0);
        if (nul >= 0)
            trimmed = trimmed[..nul];
        long result = 0;
        foreach (var b in trimmed)
        {
            if (b is < (byte)'0' or > (byte)'7')
                throw new InvalidDataException($"tar header field {what} is not an octal number");
            result = result * 8 + (b - '0');
        }
        return result;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    // PAX records are "<length> <key>=<value>\n", the length counting the whole record; the value
    // is bytes. An empty value deletes the key (as the PAX standard says for overrides).
    private static void ParsePaxRecords(ReadOnlySpan<byte> data, Dictionary<string, byte[]> pax)
    {
        while (data.Length > 0)
        {
            if (data[0] == 0)
                return; // NUL padding some writers leave
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > data.Length || data[length - 1] != (byte)'\n')
                throw new InvalidDataException("tar PAX header has an invalid record");
            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
                throw new InvalidDataException("tar PAX header has an invalid record");
            var key = Encoding.UTF8.GetString(record[..equals]);
            var value = record[(equals + 1)..];
            if (value.IsEmpty)
                pax.Remove(key);
            else
                pax[key] = value.ToArray();
            data = data[length..];
        }
    }

    private static string? Text(Dictionary<string, byte[]>? pax, string key) =>
        pax is not null && pax.TryGetValue(key, out var v) ? Encoding.UTF8.GetString(v) : null;

    private static long? Long(Dictionary<string, byte[]>? pax, string key) =>
        pax is not null && pax.TryGetValue(key, out var v) ? ParseLong(v, key) : null;

    private static long ParseLong(byte[] value, string key) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new InvalidDataException($"tar PAX record {key} is not a number");

    private static DateTimeOffset? Time(Dictionary<string, byte[]>? pax, string key) =>
        Text(pax, key) is { } text ? ParsePaxTime(text) : null;

    private static DateTimeOffset? ParsePaxTime(string text)
    {
        var dot = text.IndexOf('.');
        var wholePart = dot < 0 ? text : text[..dot];
        if (!long.TryParse(wholePart, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            return null;
        long ticks = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..].PadRight(7, '0')[..7];
            if (!long.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out ticks))
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

    public async ValueTask DisposeAsync()
    {
        _data = null;
        if (!_leaveOpen)
            await _input.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The current entry's data: a read-only window of the archive stream.</summary>
    private sealed class EntryData(Stream input, long length, bool isRegularFile) : Stream
    {
        public bool IsRegularFile { get; } = isRegularFile;
        public long Remaining { get; private set; } = length;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (Remaining == 0)
                return 0;
            var n = input.Read(buffer[..(int)Math.Min(buffer.Length, Remaining)]);
            return Consumed(n);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Remaining == 0)
                return 0;
            var n = await input.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Remaining)], cancellationToken).ConfigureAwait(false);
            return Consumed(n);
        }

        private int Consumed(int n)
        {
            if (n == 0)
                throw new EndOfStreamException("tar archive ends inside an entry's data");
            Remaining -= n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length { get; } = length;
        public override long Position { get => Length - Remaining; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
