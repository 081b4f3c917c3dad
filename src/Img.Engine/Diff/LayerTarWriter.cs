using Img.Engine.Archive;
using Img.Engine.Native;

namespace Img.Engine.Diff;

/// <summary>
/// Writes an OCI layer tar from a file tree: ustar headers, with a PAX extended header in front
/// of an entry when a field does not fit (long or non-ASCII path or link target, large ids or
/// size) or when the entry carries <c>security.capability</c> (as the binary
/// <c>SCHILY.xattr.security.capability</c> record). Times are whole seconds, clamped to
/// <c>SOURCE_DATE_EPOCH</c> when one is given; user and group names are left empty so the
/// output depends only on the tree. The tar format itself is <see cref="PaxTarWriter"/>, the
/// one tar writer in <c>Archive</c>.
/// </summary>
public sealed class LayerTarWriter : IDisposable
{
    /// <summary>The prefix of a whiteout entry's base name.</summary>
    public const string WhiteoutPrefix = Whiteouts.Prefix;

    /// <summary>The base name of the opaque-directory marker entry.</summary>
    public const string OpaqueMarker = Whiteouts.OpaqueMarker;

    private readonly PaxTarWriter _tar;
    private readonly long? _epoch;
    private readonly Dictionary<(ulong Dev, ulong Ino), string> _links = new();

    public LayerTarWriter(Stream output, DateTimeOffset? sourceDateEpoch = null)
    {
        _tar = new PaxTarWriter(output);
        _epoch = sourceDateEpoch?.ToUnixTimeSeconds();
    }

    /// <summary>Bytes of tar written so far.</summary>
    public long Position => _tar.Position;

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

        byte[]? capability = type == '0' ? Posix.GetXattr(fullPath, "security.capability") : null;

        _tar.WriteHeader(name, type, st.Permissions, st.Uid, st.Gid, size, Clamp(st.MtimeSeconds), link: link,
            devMajor: st.RdevMajor, devMinor: st.RdevMinor,
            records: capability is null ? null : [("SCHILY.xattr.security.capability", capability)]);

        if (type == '0' && size > 0)
        {
            using var fs = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            _tar.WriteData(fs, size, fullPath);
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
        _tar.WriteHeader(name, '0', 0, 0, 0, 0, _epoch ?? 0);
    }

    /// <summary>Writes the opaque marker for the directory <paramref name="directoryName"/>.</summary>
    public void WriteOpaque(string directoryName)
    {
        string d = directoryName.Trim('/');
        _tar.WriteHeader(d.Length == 0 ? OpaqueMarker : d + "/" + OpaqueMarker, '0', 0, 0, 0, 0, _epoch ?? 0);
    }

    /// <summary>Writes the two zero blocks that end the archive.</summary>
    public void Finish() => _tar.Finish();

    public void Dispose() => Finish();

    private long Clamp(long mtime) => _epoch is long e && mtime > e ? e : mtime;
}
