using System.IO.Compression;
using System.Text;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Exporters;

/// <summary>A content store and image store in a temp directory, with helpers to make images.</summary>
internal sealed class ArchiveTestStore : IDisposable
{
    public ArchiveTestStore()
    {
        Root = Directory.CreateTempSubdirectory("img-export-").FullName;
        Content = new LocalContentStore(Path.Combine(Root, "content"));
        Images = new LocalImageStore(Path.Combine(Root, "images"));
        Temp = Path.Combine(Root, "tmp");
    }

    public string Root { get; }
    public LocalContentStore Content { get; }
    public LocalImageStore Images { get; }
    public string Temp { get; }

    /// <summary>Imports <paramref name="tar"/> as a single-layer image named <paramref name="name"/>.</summary>
    public async Task<Image> ImportAsync(string name, byte[] tar)
    {
        var result = await ImageImporter.ImportAsync(Content, new MemoryStream(tar), Temp, new ImportOptions());
        return await Images.PutAsync(new Image { Name = name, Target = result.Manifest });
    }

    /// <summary>Stores an image whose layers are the given tars (gzip-compressed), bottom first.</summary>
    public async Task<Image> LayeredAsync(string name, params byte[][] layers)
    {
        var descriptors = new List<Descriptor>();
        var diffIds = new List<string>();
        foreach (var tar in layers)
        {
            var gz = new MemoryStream();
            await using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(tar);
            var info = await Content.WriteBlobAsync(gz.ToArray());
            descriptors.Add(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = info.Digest.ToString(), Size = info.Size });
            diffIds.Add(Digest.Compute(tar).ToString());
        }
        var config = ImageJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = diffIds } });
        var configInfo = await Content.WriteBlobAsync(config);
        var manifest = ImageJson.Serialize(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configInfo.Digest.ToString(), Size = configInfo.Size },
            Layers = descriptors,
        });
        var manifestInfo = await Content.WriteBlobAsync(manifest);
        return await Images.PutAsync(new Image
        {
            Name = name,
            Target = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestInfo.Digest.ToString(), Size = manifestInfo.Size },
        });
    }

    public async Task<int> BlobCountAsync()
    {
        var n = 0;
        await foreach (var _ in Content.ListAsync()) n++;
        return n;
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
