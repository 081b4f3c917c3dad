using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>The entries of each layer of an image, read from <c>img save --format oci</c>.</summary>
public static class LayerReader
{
    /// <summary>Per layer, its entries as <c>name type mode uid:gid size link</c> (no times), in tar order.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> ReadAsync(ImgCli img, string image)
    {
        var archive = Path.Combine(img.Fixture.NewDirectory("save"), "image.tar");
        (await img.RunAsync(["save", "--format", "oci", "-o", archive, image])).AssertSuccess();
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var file = File.OpenRead(archive))
        {
            using var tar = new TarReader(file);
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is null) continue;
                using var ms = new MemoryStream();
                await entry.DataStream.CopyToAsync(ms);
                blobs[entry.Name.TrimStart('.', '/')] = ms.ToArray();
            }
        }
        byte[] Blob(string digest) => blobs["blobs/sha256/" + digest["sha256:".Length..]];

        using var index = JsonDocument.Parse(blobs["index.json"]);
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(Blob(manifestDigest));
        var layers = new List<IReadOnlyList<string>>();
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            var entries = new List<string>();
            using var gz = new GZipStream(new MemoryStream(Blob(layer.GetProperty("digest").GetString()!)), CompressionMode.Decompress);
            using var tar = new TarReader(gz);
            while (await tar.GetNextEntryAsync() is { } e)
                entries.Add($"{e.Name} {e.EntryType} {Convert.ToString((int)e.Mode, 8)} {e.Uid}:{e.Gid} {e.Length} {e.LinkName}");
            layers.Add(entries);
        }
        return layers;
    }
}
