using System.Text;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Images;

/// <summary>Builds small images (config + layers + manifest, optionally an index) in a store.</summary>
internal static class ImageFixture
{
    public static async Task<Descriptor> BlobAsync(LocalContentStore store, string mediaType, byte[] data)
    {
        var info = await store.WriteBlobAsync(data);
        return new Descriptor { MediaType = mediaType, Digest = info.Digest.ToString(), Size = info.Size };
    }

    public static async Task<Descriptor> ManifestAsync(LocalContentStore store, string configText, params string[] layers)
    {
        var config = await BlobAsync(store, MediaTypes.OciConfig, Encoding.UTF8.GetBytes(configText));
        var layerDescriptors = new List<Descriptor>();
        foreach (var layer in layers)
            layerDescriptors.Add(await BlobAsync(store, MediaTypes.OciLayerGzip, Encoding.UTF8.GetBytes(layer)));
        var manifest = new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = layerDescriptors };
        return await BlobAsync(store, MediaTypes.OciManifest, JsonSerializer.SerializeToUtf8Bytes(manifest));
    }

    public static async Task<Descriptor> IndexAsync(LocalContentStore store, params (Descriptor Manifest, Platform Platform)[] manifests)
    {
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = manifests.Select(m => m.Manifest with { Platform = m.Platform }).ToList(),
        };
        return await BlobAsync(store, MediaTypes.OciIndex, JsonSerializer.SerializeToUtf8Bytes(index));
    }
}
