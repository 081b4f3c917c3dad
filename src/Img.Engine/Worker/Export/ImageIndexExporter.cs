using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Export;

/// <summary>
/// Writes the index of a multi-platform build (<see cref="ImageIndexOp"/>): one entry per
/// platform, the manifest's descriptor with the platform asked for, in the order asked, as
/// BuildKit's image exporter commits a result with several platform refs. Only the manifests'
/// descriptors are read, never their blobs: an index can be written wherever its inputs' results
/// are known.
/// </summary>
public sealed class ImageIndexExporter(IContentStore content)
{
    /// <exception cref="InvalidOperationException">An input is not an exported image.</exception>
    public async Task<Descriptor> ExportAsync(ImageIndexOp op, IReadOnlyList<CacheResult?> manifests, CancellationToken ct)
    {
        var entries = new Descriptor[op.Manifests.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var image = manifests[i]?.Image
                ?? throw new InvalidOperationException($"the image for {op.Platforms[i]} was not exported");
            entries[i] = new Descriptor { MediaType = image.MediaType, Digest = image.Digest, Size = image.Size, Platform = op.Platforms[i] };
        }
        // BuildKit: an OCI index, or a Docker manifest list when the exporter writes Docker media types.
        var docker = entries.All(e => e.MediaType == MediaTypes.DockerManifest);
        var index = new ImageIndex { MediaType = docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex, Manifests = entries };
        var bytes = ImageDocuments.Index(index);
        var info = await content.WriteBlobAsync(bytes, null, ct).ConfigureAwait(false);
        return new Descriptor { MediaType = index.MediaType, Digest = info.Digest.ToString(), Size = info.Size };
    }
}
