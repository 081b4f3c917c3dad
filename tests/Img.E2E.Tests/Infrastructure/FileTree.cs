using System.Globalization;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>One path of an unpacked rootfs: type (<c>f</c>, <c>d</c>, <c>l</c>), octal permission bits, owner, link target.</summary>
public sealed record FileEntry(string Path, char Type, string Mode, int Uid, int Gid, string LinkTarget, long Size);

/// <summary>A directory tree as <c>find -printf</c> sees it, with contents read on demand.</summary>
public sealed class FileTree
{
    private FileTree(string root, IReadOnlyDictionary<string, FileEntry> entries)
    {
        Root = root;
        Entries = entries;
    }

    public string Root { get; }
    public IReadOnlyDictionary<string, FileEntry> Entries { get; }

    public static async Task<FileTree> ReadAsync(string root)
    {
        var result = (await ProcessRunner.ToolAsync("find", root, "-mindepth", "1", "-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%l\\0%s\\0")).AssertSuccess();
        var fields = result.Out.Split('\0');
        var entries = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        for (var i = 0; i + 7 <= fields.Length; i += 7)
        {
            var path = "/" + fields[i];
            entries[path] = new FileEntry(path, fields[i + 1][0], fields[i + 2], int.Parse(fields[i + 3], CultureInfo.InvariantCulture),
                int.Parse(fields[i + 4], CultureInfo.InvariantCulture), fields[i + 5], long.Parse(fields[i + 6], CultureInfo.InvariantCulture));
        }
        return new FileTree(root, entries);
    }

    public FileEntry this[string path] =>
        Entries.TryGetValue(path, out var e) ? e : throw new Xunit.Sdk.XunitException($"{path} is not in the image; it has:\n{string.Join('\n', Entries.Keys.Order())}");

    public bool Has(string path) => Entries.ContainsKey(path);

    public string Text(string path)
    {
        _ = this[path];
        return File.ReadAllText(System.IO.Path.Combine(Root, path.TrimStart('/')));
    }

    /// <summary>Every entry with its mode, owner, link target and, for files, contents: what two builds must agree on.</summary>
    public IReadOnlyList<string> Describe() => Entries.Values.OrderBy(e => e.Path, StringComparer.Ordinal)
        .Select(e => $"{e.Path} {e.Type} {e.Mode} {e.Uid}:{e.Gid} {e.LinkTarget} {(e.Type == 'f' ? Hash(e.Path) : "")}")
        .ToList();

    private string Hash(string path) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(System.IO.Path.Combine(Root, path.TrimStart('/')))));
}
