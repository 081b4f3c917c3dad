using System.Buffers.Binary;
using System.Text;
using Img.Engine.Content;

namespace Img.Engine.Context.StatCache;

/// <summary>
/// The persisted stat cache of one context root: relative path → (<see cref="StatKey"/>, content
/// digest, record digest), so a rebuild reads only files whose stat changed. One file per root,
/// <c>&lt;dir&gt;/&lt;sha256(absolute root)&gt;.stat</c>, replaced atomically (temp + rename); a
/// file that is truncated, corrupt, from another version or for another root is ignored and
/// rewritten. It is not fsynced: after a crash the trailing sha256 catches a torn file, and
/// losing the cache only costs a re-read. Instances are immutable snapshots; <see cref="Save"/> writes a new file.
/// </summary>
/// <remarks>
/// Layout (little-endian): magic <c>IMGSTAT1</c>, root (u16 length + UTF-8), u32 count, then per
/// entry: path (u16 length + UTF-8), size, mtime ns, ctime ns (i64), inode (u64), mode, uid, gid
/// (i32), content sha256 (32 bytes), record sha256 (32 bytes); last, sha256 of everything before.
/// </remarks>
internal sealed class ContextStatCache
{
    private static readonly byte[] Magic = "IMGSTAT1"u8.ToArray();
    private const int HashSize = 32;
    private const int FixedEntrySize = 8 * 4 + 4 * 3 + HashSize * 2;

    private readonly Dictionary<string, StatCacheEntry> _entries;

    private ContextStatCache(string? file, string root, Dictionary<string, StatCacheEntry> entries)
    {
        FilePath = file;
        Root = root;
        _entries = entries;
    }

    /// <summary>Where the cache lives, or null for an in-memory (never saved) cache.</summary>
    public string? FilePath { get; }

    public string Root { get; }

    public int Count => _entries.Count;

    /// <summary>An empty cache that is never persisted.</summary>
    public static ContextStatCache InMemory(string root) => new(null, root, new Dictionary<string, StatCacheEntry>(StringComparer.Ordinal));

    /// <summary>The cache file for a context root inside <paramref name="directory"/>.</summary>
    public static string FileFor(string directory, string root) =>
        Path.Combine(directory, Digest.Compute(Encoding.UTF8.GetBytes(root)).Hex + ".stat");

    /// <summary>Reads the cache for <paramref name="root"/>; missing or unusable files give an empty cache.</summary>
    public static ContextStatCache Load(string directory, string root)
    {
        string file = FileFor(directory, root);
        var entries = new Dictionary<string, StatCacheEntry>(StringComparer.Ordinal);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ContextStatCache(file, root, entries);
        }
        if (!TryParse(data, root, entries))
        {
            entries.Clear();
        }
        return new ContextStatCache(file, root, entries);
    }

    private static bool TryParse(byte[] data, string root, Dictionary<string, StatCacheEntry> entries)
    {
        if (data.Length < Magic.Length + 2 + 4 + HashSize || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            return false;
        var body = data.AsSpan(0, data.Length - HashSize);
        if (Digest.Compute(body) != Digest.FromSha256Bytes(data.AsSpan(data.Length - HashSize)))
            return false;
        try
        {
            int pos = Magic.Length;
            if (ReadString(body, ref pos) != root) return false;
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
            pos += 4;
            for (uint i = 0; i < count; i++)
            {
                string path = ReadString(body, ref pos);
                var s = body.Slice(pos, FixedEntrySize);
                pos += FixedEntrySize;
                var key = new StatKey(
                    BinaryPrimitives.ReadInt64LittleEndian(s),
                    BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
                    BinaryPrimitives.ReadInt64LittleEndian(s[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
                    BinaryPrimitives.ReadInt32LittleEndian(s[32..]),
                    BinaryPrimitives.ReadInt32LittleEndian(s[36..]),
                    BinaryPrimitives.ReadInt32LittleEndian(s[40..]));
                var content = Digest.FromSha256Bytes(s.Slice(44, HashSize));
                var record = Digest.FromSha256Bytes(s.Slice(44 + HashSize, HashSize));
                entries[path] = new StatCacheEntry(key, content, record);
            }
            return pos == body.Length;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static string ReadString(ReadOnlySpan<byte> body, ref int pos)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(body[pos..]);
        pos += 2;
        string value = Encoding.UTF8.GetString(body.Slice(pos, length));
        pos += length;
        return value;
    }

    /// <summary>The remembered digests when the stat still matches exactly.</summary>
    public bool TryGet(string path, in StatKey key, out StatCacheEntry entry) =>
        _entries.TryGetValue(path, out entry) && entry.Key == key;

    /// <summary>
    /// Writes <paramref name="entries"/> as the new cache file (temp + rename); does
    /// nothing for an in-memory cache. Failing to write is not an error for the build: the next
    /// build hashes again.
    /// </summary>
    /// <returns>The cache as saved.</returns>
    public ContextStatCache Save(IEnumerable<KeyValuePair<string, StatCacheEntry>> entries)
    {
        var map = new Dictionary<string, StatCacheEntry>(StringComparer.Ordinal);
        foreach (var (path, entry) in entries) map[path] = entry;
        var saved = new ContextStatCache(FilePath, Root, map);
        if (FilePath is null) return saved;

        using var stream = new MemoryStream(64 + map.Count * (FixedEntrySize + 40));
        stream.Write(Magic);
        WriteString(stream, Root);
        Span<byte> fixedPart = stackalloc byte[FixedEntrySize];
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)map.Count);
        stream.Write(u32);
        foreach (var (path, e) in map)
        {
            WriteString(stream, path);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart, e.Key.Size);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[8..], e.Key.ModificationTimeNs);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[16..], e.Key.ChangeTimeNs);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[24..], e.Key.Inode);
            BinaryPrimitives.WriteInt32LittleEndian(fixedPart[32..], e.Key.Mode);
            BinaryPrimitives.WriteInt32LittleEndian(fixedPart[36..], e.Key.Uid);
            BinaryPrimitives.WriteInt32LittleEndian(fixedPart[40..], e.Key.Gid);
            Convert.FromHexString(e.Content.Hex, fixedPart.Slice(44, HashSize), out _, out _);
            Convert.FromHexString(e.Record.Hex, fixedPart.Slice(44 + HashSize, HashSize), out _, out _);
            stream.Write(fixedPart);
        }
        var body = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        stream.Write(Convert.FromHexString(Digest.Compute(body).Hex));

        string directory = Path.GetDirectoryName(FilePath)!;
        string temp = FilePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                file.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
            }
            File.Move(temp, FilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }
        return saved;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next save to replace; temp names are unique.
        }
    }

    private static void WriteString(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue) throw new PathTooLongException(value);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    /// <summary>The entries as they are (for carrying unvisited but still valid entries into a save).</summary>
    public IEnumerable<KeyValuePair<string, StatCacheEntry>> Entries => _entries;
}
