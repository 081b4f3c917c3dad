using Img.Engine.Native;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Img.Engine.Archive;
using Img.Engine.Content;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// The header record of one path, the part of its checksum that is not content: type, permission
/// bits (setuid/setgid/sticky included), uid, gid, size (regular files), symlink target, device
/// numbers, and the xattrs that matter, in a fixed binary layout. Never the name (the parent adds
/// it), never times. Xattrs follow BuildKit's tarsum choice: <c>security.capability</c> counts,
/// other <c>security.*</c>, <c>system.*</c> and <c>com.apple.*</c> do not (labels and ACL
/// mirrors differ between hosts).
/// </summary>
internal static class FileHeader
{
    private const byte Version = 1;

    public static bool XattrMatters(string name) =>
        name == "security.capability"
        || !(name.StartsWith("security.", StringComparison.Ordinal)
             || name.StartsWith("system.", StringComparison.Ordinal)
             || name.StartsWith("com.apple.", StringComparison.Ordinal));

    /// <summary>The header digest of a node; reads its xattrs from <paramref name="fullPath"/>.</summary>
    public static Digest Compute(in NodeStatus status, string? linkTarget, string fullPath) =>
        Compute(status, linkTarget, Posix.Lgetxattrs(fullPath));

    public static Digest Compute(in NodeStatus status, string? linkTarget, IReadOnlyDictionary<string, byte[]> xattrs)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        buffer.Write([Version, TypeFlag(status)]);
        WriteInt64(buffer, status.Permissions);
        WriteInt64(buffer, status.Uid);
        WriteInt64(buffer, status.Gid);
        WriteInt64(buffer, status.Type == ArchiveEntryType.RegularFile ? status.Size : 0);
        bool device = status.Type is ArchiveEntryType.CharacterDevice or ArchiveEntryType.BlockDevice;
        WriteInt64(buffer, device ? status.DeviceMajor : 0);
        WriteInt64(buffer, device ? status.DeviceMinor : 0);
        WriteBytes(buffer, Encoding.UTF8.GetBytes(linkTarget ?? ""));
        if (xattrs.Count > 0)
        {
            foreach (var name in xattrs.Keys.Where(XattrMatters).Order(StringComparer.Ordinal))
            {
                WriteBytes(buffer, Encoding.UTF8.GetBytes(name));
                WriteBytes(buffer, xattrs[name]);
            }
        }
        return Digest.Compute(buffer.WrittenSpan);
    }

    private static byte TypeFlag(in NodeStatus status) => status.IsSocket ? (byte)'s' : status.Type switch
    {
        ArchiveEntryType.RegularFile => (byte)'0',
        ArchiveEntryType.SymbolicLink => (byte)'2',
        ArchiveEntryType.CharacterDevice => (byte)'3',
        ArchiveEntryType.BlockDevice => (byte)'4',
        ArchiveEntryType.Directory => (byte)'5',
        _ => (byte)'6',
    };

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        WriteInt64(buffer, value.Length);
        buffer.Write(value);
    }
}
