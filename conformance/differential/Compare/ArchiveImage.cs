using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Img.Differential;

/// <summary>One image read from a docker-archive tar (`docker save` / `img save`): its config
/// document and its layers in order, each as the list of tar entries it holds.</summary>
internal sealed record ArchiveImage(JsonObject Config, IReadOnlyList<LayerContents> Layers)
{
    public static ArchiveImage Read(string archivePath)
    {
        // The archive is small (test cases), so every member is buffered by name first:
        // manifest.json may come after the blobs it names.
        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var file = File.OpenRead(archivePath))
        using (var reader = new TarReader(file))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType == TarEntryType.SymbolicLink)
                {
                    // docker save writes a layer that appears twice as a symlink to the first copy.
                    links[Normalize(entry.Name)] = Normalize(GoPathJoin(Path.GetDirectoryName(Normalize(entry.Name)) ?? "", entry.LinkName));
                    continue;
                }
                if (entry.DataStream is null) continue;
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                members[Normalize(entry.Name)] = buffer.ToArray();
            }
        }

        foreach (var (link, target) in links)
            if (members.TryGetValue(target, out var bytes)) members[link] = bytes;

        var manifest = JsonNode.Parse(members["manifest.json"])!.AsArray();
        var item = manifest[0]!.AsObject();
        var config = JsonNode.Parse(members[Normalize(item["Config"]!.GetValue<string>())])!.AsObject();
        var layers = new List<LayerContents>();
        // BuildKit writes "Layers": null for an image without layers.
        foreach (var layer in item["Layers"] as JsonArray ?? [])
            layers.Add(LayerContents.Read(Decompress(members[Normalize(layer!.GetValue<string>())])));
        return new ArchiveImage(config, layers);
    }

    private static string Normalize(string name) => name.TrimStart('.', '/');

    // "a/b" + "../c/layer.tar" -> "c/layer.tar"
    private static string GoPathJoin(string dir, string link)
    {
        var parts = new List<string>(dir.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var p in link.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else if (p != ".") parts.Add(p);
        }
        return string.Join('/', parts);
    }

    // img keeps layer blobs compressed in its archives; docker 20.10 writes plain tars.
    private static Stream Decompress(byte[] blob)
    {
        var raw = new MemoryStream(blob, writable: false);
        if (blob.Length > 2 && blob[0] == 0x1f && blob[1] == 0x8b)
            return new GZipStream(raw, CompressionMode.Decompress);
        if (blob.Length > 4 && blob[0] == 0x28 && blob[1] == 0xb5 && blob[2] == 0x2f && blob[3] == 0xfd)
            throw new InvalidDataException("zstd layers are not supported by the comparer; build with gzip");
        return raw;
    }

    public static string Pretty(JsonNode? node) =>
        node is null ? "null" : node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
