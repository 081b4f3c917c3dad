using System.Buffers;
using System.Globalization;
using System.Text;

namespace Img.Engine.Archive;

/// <summary>
/// The one tar writer: ustar headers, with a PAX extended header in front of an entry when a
/// field does not fit (long or non-ASCII name, link target, user or group name; large ids or
/// size; times before 1970, past the octal range, or with a fraction of a second) or when the
/// caller adds records (xattrs as <c>SCHILY.xattr.&lt;name&gt;</c>, <c>atime</c>).
/// <para>
/// Written by hand rather than with <c>System.Formats.Tar</c> because that library encodes
/// PAX values as UTF-8 text and cannot carry binary values such as <c>security.capability</c>;
/// here a record's value is raw bytes. <see cref="TarArchiveWriter"/> (exporters, entries from
/// <see cref="ArchiveEntry"/>) and <c>Diff.LayerTarWriter</c> (layers from a file tree) both
/// write through it.
/// </para>
/// </summary>
internal sealed class PaxTarWriter
{
    public const int Block = 512;
    private const long MaxOctal7 = 0x1FFFFF; // 07777777
    private const long MaxOctal11 = 0x1FFFFFFFF; // 077777777777

    private readonly Stream _out;
    private readonly byte[] _header = new byte[Block];
    private bool _finished;

    public PaxTarWriter(Stream output) => _out = output;

    /// <summary>Bytes of tar written so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Writes an entry's header (and the PAX header before it when needed). <paramref name="type"/>
    /// is the ustar type flag; <paramref name="size"/> bytes of data must follow for a regular file
    /// (<see cref="WriteData"/>). <paramref name="records"/> are added to the PAX header after the
    /// ones the fields need.
    /// </summary>
    public void WriteHeader(string name, char type, uint mode, long uid, long gid, long size,
        long mtimeSeconds, uint mtimeNanoseconds = 0, string link = "", uint devMajor = 0, uint devMinor = 0,
        string? userName = null, string? groupName = null, IReadOnlyList<(string Key, byte[] Value)>? records = null)
    {
        var pax = new List<(string Key, byte[] Value)>();
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] linkBytes = Encoding.UTF8.GetBytes(link);
        string? prefix = null;
        string shortName = name;
        if (nameBytes.Length > 100 || !Ascii.IsValid(nameBytes))
        {
            if (!SplitUstar(name, nameBytes, out prefix, out shortName))
            {
                pax.Add(("path", nameBytes));
                shortName = Truncate(name, 100);
                prefix = null;
            }
        }
        if (linkBytes.Length > 100 || !Ascii.IsValid(linkBytes))
            pax.Add(("linkpath", linkBytes));
        if (uid is < 0 or > MaxOctal7)
            pax.Add(("uid", Number(uid)));
        if (gid is < 0 or > MaxOctal7)
            pax.Add(("gid", Number(gid)));
        if (size > MaxOctal11)
            pax.Add(("size", Number(size)));
        if (mtimeSeconds < 0 || mtimeSeconds > MaxOctal11 || mtimeNanoseconds != 0)
        {
            pax.Add(("mtime", Encoding.ASCII.GetBytes(FormatTime(mtimeSeconds, mtimeNanoseconds))));
            mtimeSeconds = Math.Clamp(mtimeSeconds, 0, MaxOctal11);
        }
        AddNameRecord(pax, "uname", ref userName);
        AddNameRecord(pax, "gname", ref groupName);
        if (records is not null)
            pax.AddRange(records);

        if (pax.Count > 0)
        {
            byte[] paxData = PaxRecords(pax);
            string dir = name.TrimEnd('/');
            int slash = dir.LastIndexOf('/');
            string paxName = Truncate((slash < 0 ? "" : dir[..(slash + 1)]) + "PaxHeaders.0/" + dir[(slash + 1)..], 100);
            FillHeader(paxName, null, 'x', 0x1A4, 0, 0, paxData.Length, mtimeSeconds, "", 0, 0, null, null);
            WriteBlock();
            _out.Write(paxData);
            Position += paxData.Length;
            Pad(paxData.Length);
        }

        FillHeader(shortName, prefix, type, mode, Math.Clamp(uid, 0, MaxOctal7), Math.Clamp(gid, 0, MaxOctal7),
            Math.Min(size, MaxOctal11), mtimeSeconds, Truncate(link, 100), devMajor, devMinor, userName, groupName);
        WriteBlock();
    }

    /// <summary>
    /// Copies exactly <paramref name="size"/> bytes of file data, then the padding. An output that
    /// is also an <see cref="IBufferWriter{T}"/> (a layer blob writer) gets the file read straight
    /// into its buffers, saving a copy of every byte.
    /// </summary>
    /// <exception cref="IOException">The source ended early (<paramref name="what"/> names it).</exception>
    public void WriteData(Stream source, long size, string what)
    {
        if (_out is IBufferWriter<byte> direct)
        {
            for (long left = size; left > 0;)
            {
                Span<byte> span = direct.GetSpan();
                int n = source.Read(span[..(int)Math.Min(span.Length, left)]);
                if (n == 0)
                    throw new IOException($"{what} shrank while being archived (expected {size} bytes)");
                direct.Advance(n);
                left -= n;
            }
            Position += size;
            Pad(size);
            return;
        }
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long left = size; left > 0;)
            {
                int n = source.Read(buf, 0, (int)Math.Min(buf.Length, left));
                if (n == 0)
                    throw new IOException($"{what} shrank while being archived (expected {size} bytes)");
                _out.Write(buf, 0, n);
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
        Position += size;
        Pad(size);
    }

    /// <inheritdoc cref="WriteData"/>
    public async ValueTask WriteDataAsync(Stream source, long size, string what, CancellationToken cancellationToken)
    {
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            for (long left = size; left > 0;)
            {
                int n = await source.ReadAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, left)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new IOException($"{what} shrank while being archived (expected {size} bytes)");
                await _out.WriteAsync(buf.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
        Position += size;
        Pad(size);
    }

    /// <summary>Writes the two zero blocks that end the archive (once).</summary>
    public void Finish()
    {
        if (_finished)
            return;
        _finished = true;
        Array.Clear(_header);
        _out.Write(_header);
        _out.Write(_header);
        Position += 2 * Block;
    }

    /// <summary>A PAX time: seconds, and a fraction without trailing zeros when there is one.</summary>
    private static string FormatTime(long seconds, uint nanoseconds) =>
        nanoseconds == 0
            ? seconds.ToString(CultureInfo.InvariantCulture)
            : seconds.ToString(CultureInfo.InvariantCulture) + "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');

    /// <summary>Splits a time into whole seconds (rounded down) and nanoseconds, for <see cref="WriteHeader"/> and <c>atime</c> records.</summary>
    public static (long Seconds, uint Nanoseconds) SplitTime(DateTimeOffset time)
    {
        var seconds = Math.DivRem(time.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return (seconds, (uint)(rest * 100));
    }

    /// <summary>A PAX time record's value for <paramref name="time"/>.</summary>
    public static byte[] TimeRecord(DateTimeOffset time)
    {
        var (seconds, nanoseconds) = SplitTime(time);
        return Encoding.ASCII.GetBytes(FormatTime(seconds, nanoseconds));
    }

    private static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    // A user or group name that does not fit the 32-byte ASCII field goes to PAX.
    private static void AddNameRecord(List<(string Key, byte[] Value)> pax, string key, ref string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < 32 && Ascii.IsValid(bytes))
            return;
        pax.Add((key, bytes));
        value = Truncate(value, 31);
    }

    private void FillHeader(string name, string? prefix, char type, uint mode, long uid, long gid, long size, long mtime,
        string link, uint devMajor, uint devMinor, string? userName, string? groupName)
    {
        Span<byte> h = _header;
        h.Clear();
        PutString(h[..100], name);
        PutOctal(h.Slice(100, 8), mode);
        PutOctal(h.Slice(108, 8), uid);
        PutOctal(h.Slice(116, 8), gid);
        PutOctal(h.Slice(124, 12), size);
        PutOctal(h.Slice(136, 12), mtime);
        h[156] = (byte)type;
        PutString(h.Slice(157, 100), link);
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        if (userName is not null)
            PutString(h.Slice(265, 32), userName);
        if (groupName is not null)
            PutString(h.Slice(297, 32), groupName);
        bool device = type is '3' or '4';
        PutOctal(h.Slice(329, 8), device ? devMajor : 0);
        PutOctal(h.Slice(337, 8), device ? devMinor : 0);
        if (prefix is not null)
            PutString(h.Slice(345, 155), prefix);
        h.Slice(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in h)
            sum += b;
        PutOctal(h.Slice(148, 7), sum);
        h[155] = (byte)' ';
    }

    private void WriteBlock()
    {
        _out.Write(_header);
        Position += Block;
    }

    private void Pad(long length)
    {
        int rem = (int)(length % Block);
        if (rem == 0)
            return;
        Span<byte> zeros = stackalloc byte[Block - rem];
        zeros.Clear();
        _out.Write(zeros);
        Position += Block - rem;
    }

    private static byte[] PaxRecords(List<(string Key, byte[] Value)> records)
    {
        using var ms = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "%d %s=%s\n", where the length counts itself.
            int body = 1 + Encoding.UTF8.GetByteCount(key) + 1 + value.Length + 1;
            int len = body + 1;
            while (len.ToString(CultureInfo.InvariantCulture).Length + body != len)
                len = len.ToString(CultureInfo.InvariantCulture).Length + body;
            ms.Write(Encoding.ASCII.GetBytes(len.ToString(CultureInfo.InvariantCulture) + " "));
            ms.Write(Encoding.UTF8.GetBytes(key + "="));
            ms.Write(value);
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    private static bool SplitUstar(string name, byte[] bytes, out string? prefix, out string shortName)
    {
        prefix = null;
        shortName = name;
        if (!Ascii.IsValid(bytes) || bytes.Length > 256)
            return false;
        for (int i = name.Length - 1; i > 0; i--)
        {
            if (name[i] == '/' && i <= 155 && name.Length - i - 1 <= 100 && name.Length - i - 1 > 0)
            {
                prefix = name[..i];
                shortName = name[(i + 1)..];
                return true;
            }
        }
        return false;
    }

    private static string Truncate(string s, int max)
    {
        if (Encoding.UTF8.GetByteCount(s) <= max)
            return s;
        var sb = new StringBuilder();
        foreach (char c in s)
        {
            if (c > 127 || sb.Length >= max)
                break;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static void PutString(Span<byte> field, string value) => Encoding.UTF8.GetBytes(value.AsSpan(), field);

    private static void PutOctal(Span<byte> field, long value)
    {
        // digits, then a NUL terminator, zero padded.
        int digits = field.Length - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[digits] = 0;
    }
}
