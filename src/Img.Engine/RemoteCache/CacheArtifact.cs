using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Worker.Export;

namespace Img.Engine.RemoteCache;

/// <summary>
/// The cache as an OCI artifact: an image manifest whose config is the <see cref="CacheDescription"/>
/// and whose layers are the layer blobs it lists (ordinary image layers, shared with the images
/// built from them). Any registry that stores OCI images stores it (Debian's docker-registry 2.8
/// does), and skopeo reads it. The images of export records are manifests of their own beside it
/// (pushed by digest to the same repository, or blobs of the same layout directory).
/// </summary>
public sealed record CacheArtifact(byte[] Config, Descriptor ConfigDescriptor, byte[] Manifest, Descriptor ManifestDescriptor, IReadOnlyList<Descriptor> Layers)
{
    /// <summary>The artifact of <paramref name="description"/>.</summary>
    public static CacheArtifact Of(CacheDescription description)
    {
        var config = description.ToBytes();
        var configDescriptor = new Descriptor { MediaType = CacheDescription.MediaTypeV1, Digest = Digest.Compute(config).ToString(), Size = config.Length };
        var layers = description.Layers.Select(l => l.Blob).DistinctBy(b => b.Digest, StringComparer.Ordinal)
            .Select(b => new Descriptor { MediaType = b.MediaType, Digest = b.Digest, Size = b.Size }).ToArray();
        var manifest = ImageDocuments.Manifest(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = layers,
        });
        var manifestDescriptor = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(manifest).ToString(), Size = manifest.Length };
        return new CacheArtifact(config, configDescriptor, manifest, manifestDescriptor, layers);
    }

    /// <summary>The image manifests export records name.</summary>
    public static IReadOnlyList<Descriptor> Images(CacheDescription description) =>
        description.Records.Select(r => r.Image).OfType<Descriptor>().DistinctBy(d => d.Digest, StringComparer.Ordinal).ToArray();
}
