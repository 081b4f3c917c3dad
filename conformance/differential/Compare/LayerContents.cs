using System.Formats.Tar;
using System.Security.Cryptography;

namespace Img.Differential;

/// <summary>The entries of one layer tar keyed by cleaned path (no leading "./" or "/", no
/// trailing "/"), in archive order. A path twice in one layer is reported, not merged.</summary>
internal sealed class LayerContents
{
    public List<LayerEntry> Entries { get; } = [];
    public List<string> Duplicates { get; } = [];
    public Dictionary<string, LayerEntry> ByPath { get; } = new(StringComparer.Ordinal);

    public static LayerContents Read(Stream tar)
    {
        var contents = new LayerContents();
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            var path = Clean(entry.Name);
            if (path.Length == 0) continue; // the "./" root entry some writers add
            string? sha = null;
            long size = 0;
            if (entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                data.CopyTo(buffer);
                size = buffer.Length;
                sha = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
            }
            var xattrs = entry is PaxTarEntry pax
                ? string.Join(",", pax.ExtendedAttributes
                    .Where(kv => kv.Key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                    .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => $"{kv.Key["SCHILY.xattr.".Length..]}={Convert.ToHexStringLower(System.Text.Encoding.Latin1.GetBytes(kv.Value))}"))
                : "";
            var type = entry.EntryType switch
            {
                TarEntryType.Directory => "dir",
                TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => "file",
                TarEntryType.SymbolicLink => "symlink",
                TarEntryType.HardLink => "hardlink",
                TarEntryType.CharacterDevice => "chardev",
                TarEntryType.BlockDevice => "blockdev",
                TarEntryType.Fifo => "fifo",
                var other => other.ToString(),
            };
            var linkName = entry.EntryType == TarEntryType.HardLink ? Clean(entry.LinkName) : entry.LinkName ?? "";
            var e = new LayerEntry(path, type, Convert.ToString((int)entry.Mode, 8).PadLeft(4, '0'),
                entry.Uid, entry.Gid, linkName, size, sha, xattrs, entry.ModificationTime.ToUnixTimeSeconds());
            if (!contents.ByPath.TryAdd(path, e)) contents.Duplicates.Add(path);
            contents.Entries.Add(e);
        }
        return contents;
    }

    private static string Clean(string name)
    {
        var n = name;
        while (n.StartsWith("./", StringComparison.Ordinal)) n = n[2..];
        n = n.TrimStart('/');
        if (n == ".") return "";
        return n.TrimEnd('/');
    }
}
