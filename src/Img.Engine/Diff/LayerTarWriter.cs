using System.Buffers;
using System.Text;
using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>
/// Writes an OCI layer tar: ustar headers, with a PAX extended header in front of an entry when a
/// field does not fit (long or non-ASCII path or link target, large ids or size) or when the
/// entry carries <c>security.capability</c> (as the binary <c>SCHILY.xattr.security.capability</c>
/// record). Times are whole seconds, clamped to <c>SOURCE_DATE_EPOCH</c> when one is given; user
/// and group names are left empty so the output depends only on the tree.
/// <para>
/// Written by hand rather than with <c>System.Formats.Tar</c> because that library encodes
/// PAX values as UTF-8 text and cannot carry the binary capability xattr. To converge with
/// <c>Img.Engine/Archive</c> later.
/// </para>
/// </summary>
public sealed class LayerTarWriter : IDisposable
{
    /// <summary>The prefix of a whiteout entry's base name.</summary>
    public const string WhiteoutPrefix = ".wh.";

    /// <summary>The base name of the opaque-directory marker entry.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";

    private const int Block = 512;
    private const long MaxOctal7 = 0x1FFFFF; // 07777777
    private const long MaxOctal11 = 0x1FFFFFFFF; // 077777777777

    private readonly Stream _out;
    private readonly long? _epoch;
    private readonly byte[] _header = new byte[Block];
    private readonly Dictionary<(ulong Dev, ulong Ino), string> _links = new();
    private bool _finished;

    public LayerTarWriter(Stream output, DateTimeOffset? sourceDateEpoch = null)
    {
        _out = output;
        _epoch = sourceDateEpoch?.ToUnixTimeSeconds();
    }

    /// <summary>Bytes of tar written so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Writes the entry for the file at <paramref name="fullPath"/> (with status <paramref name="st"/>)
    /// under the name <paramref name="name"/> (relative, '/'-separated). A regular file whose inode
    /// was already written becomes a hardlink entry. Sockets are skipped.
    /// </summary>
    public void WriteEntry(string name, string fullPath, FileStatus st)
    {
        char type;
        string link = "";
        long size = 0;
        switch (st.FileType)
        {
            case FileStatus.TypeDirectory:
                type = '5';
                name = name.TrimEnd('/') + "/";
                break;
            case FileStatus.TypeRegular:
                if (st.Links > 1 && _links.TryGetValue((st.Device, st.Inode), out string? first))
                {
                    type = '1';
                    link = first;
                }
                else
                {
                    if (st.Links > 1)
                    {
                        _links[(st.Device, st.Inode)] = name;
                    }
                    type = '0';
                    size = st.Size;
                }
                break;
            case FileStatus.TypeSymlink:
                type = '2';
                link = new FileInfo(fullPath).LinkTarget ?? "";
                break;
            case FileStatus.TypeCharDevice:
                type = '3';
                break;
            case FileStatus.TypeBlockDevice:
                type = '4';
                break;
            case FileStatus.TypeFifo:
                type = '6';
                break;
            default:
                return;
        }

        byte[]? capability = type == '0' ? LibC.GetXattr(fullPath, "security.capability") : null;

        WriteHeader(name, type, st.Permissions, st.Uid, st.Gid, size, Clamp(st.MtimeSeconds), link,
            st.RdevMajor, st.RdevMinor, capability);

        if (type == '0' && size > 0)
        {
            using var fs = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            CopyExactly(fs, size, fullPath);
        }
    }

    /// <summary>Writes the whiteout for the deleted entry <paramref name="deletedName"/>.</summary>
    public void WriteWhiteout(string deletedName)
    {
        deletedName = deletedName.TrimEnd('/');
        int slash = deletedName.LastIndexOf('/');
        string name = slash < 0
            ? WhiteoutPrefix + deletedName
            : deletedName[..(slash + 1)] + WhiteoutPrefix + deletedName[(slash + 1)..];
        WriteHeader(name, '0', 0, 0, 0, 0, _epoch ?? 0, "", 0, 0, null);
    }

    /// <summary>Writes the opaque marker for the directory <paramref name="directoryName"/>.</summary>
    public void WriteOpaque(string directoryName)
    {
        string d = directoryName.Trim('/');
        WriteHeader(d.Length == 0 ? OpaqueMarker : d + "/" + OpaqueMarker, '0', 0, 0, 0, 0, _epoch ?? 0, "", 0, 0, null);
    }

    /// <summary>Writes the two zero blocks that end the archive.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        Array.Clear(_header);
        _out.Write(_header);
        _out.Write(_header);
        Position += 2 * Block;
    }

    public void Dispose() => Finish();

    private long Clamp(long mtime) => _epoch is long e && mtime > e ? e : mtime;

    private void WriteHeader(string name, char type, uint mode, uint uid, uint gid, long size, long mtime,
        string link, uint devMajor, uint devMinor, byte[]? capability)
    {
        var pax = new List<(string Key, byte[] Value)>();
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] linkBytes = Encoding.UTF8.GetBytes(link);
        string? prefix = null;
        string shortName = name;
        if (nameBytes.Length > 100 || !IsAscii(nameBytes))
        {
            if (!SplitUstar(name, nameBytes, out prefix, out shortName))
            {
                pax.Add(("path", nameBytes));
                shortName = Truncate(name, 100);
                prefix = null;
            }
        }
        if (linkBytes.Length > 100 || !IsAscii(linkBytes))
        {
            pax.Add(("linkpath", linkBytes));
        }
        if (uid > MaxOctal7)
        {
            pax.Add(("uid", Encoding.ASCII.GetBytes(uid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        if (gid > MaxOctal7)
        {
            pax.Add(("gid", Encoding.ASCII.GetBytes(gid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        if (size > MaxOctal11)
        {
            pax.Add(("size", Encoding.ASCII.GetBytes(size.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        if (mtime < 0 || mtime > MaxOctal11)
        {
            pax.Add(("mtime", Encoding.ASCII.GetBytes(mtime.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            mtime = Math.Clamp(mtime, 0, MaxOctal11);
        }
        if (capability is not null)
        {
            pax.Add(("SCHILY.xattr.security.capability", capability));
        }

        if (pax.Count > 0)
        {
            byte[] records = PaxRecords(pax);
            string dir = name.TrimEnd('/');
            int slash = dir.LastIndexOf('/');
            string paxName = Truncate((slash < 0 ? "" : dir[..(slash + 1)]) + "PaxHeaders.0/" + dir[(slash + 1)..], 100);
            FillHeader(paxName, null, 'x', 0x1A4, 0, 0, records.Length, mtime, "", 0, 0);
            WriteBlock();
            _out.Write(records);
            Pad(records.Length);
            Position += records.Length;
        }

        FillHeader(shortName, prefix, type, mode, Math.Min(uid, (uint)MaxOctal7), Math.Min(gid, (uint)MaxOctal7),
            Math.Min(size, MaxOctal11), mtime, Truncate(link, 100), devMajor, devMinor);
        WriteBlock();
    }

    private void FillHeader(string name, string? prefix, char type, uint mode, uint uid, uint gid, long size, long mtime,
        string link, uint devMajor, uint devMinor)
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
        if (type is '3' or '4')
        {
            PutOctal(h.Slice(329, 8), devMajor);
            PutOctal(h.Slice(337, 8), devMinor);
        }
        else
        {
            PutOctal(h.Slice(329, 8), 0);
            PutOctal(h.Slice(337, 8), 0);
        }
        if (prefix is not null)
        {
            PutString(h.Slice(345, 155), prefix);
        }
        h.Slice(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in h)
        {
            sum += b;
        }
        PutOctal(h.Slice(148, 7), sum);
        h[155] = (byte)' ';
    }

    private void WriteBlock()
    {
        _out.Write(_header);
        Position += Block;
    }

    private void CopyExactly(Stream source, long size, string path)
    {
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long left = size;
            while (left > 0)
            {
                int n = source.Read(buf, 0, (int)Math.Min(buf.Length, left));
                if (n == 0)
                {
                    throw new IOException($"{path} shrank while being archived (expected {size} bytes)");
                }
                _out.Write(buf, 0, n);
                left -= n;
            }
            Position += size;
            Pad(size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private void Pad(long length)
    {
        int rem = (int)(length % Block);
        if (rem != 0)
        {
            Span<byte> zeros = stackalloc byte[Block - rem];
            zeros.Clear();
            _out.Write(zeros);
            Position += Block - rem;
        }
    }

    private static byte[] PaxRecords(List<(string Key, byte[] Value)> records)
    {
        using var ms = new MemoryStream();
        foreach (var (key, value) in records)
        {
            // "%d %s=%s\n", where the length counts itself.
            int body = 1 + Encoding.UTF8.GetByteCount(key) + 1 + value.Length + 1;
            int len = body + 1;
            while (len.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + body != len)
            {
                len = len.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + body;
            }
            ms.Write(Encoding.ASCII.GetBytes(len.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "));
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
        if (!IsAscii(bytes) || bytes.Length > 256)
        {
            return false;
        }
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

    private static bool IsAscii(byte[] b) => System.Text.Ascii.IsValid(b);

    private static string Truncate(string s, int max)
    {
        if (Encoding.UTF8.GetByteCount(s) <= max)
        {
            return s;
        }
        var sb = new StringBuilder();
        foreach (char c in s)
        {
            if (c > 127 || sb.Length >= max)
            {
                break;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static void PutString(Span<byte> field, string value)
    {
        Encoding.UTF8.GetBytes(value.AsSpan(), field);
    }

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
