using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// A stored image read down to one platform: the image record, the manifest chosen (the target
/// itself, or the matching entry of an index), and its config.
/// </summary>
/// <param name="Image">The image record.</param>
/// <param name="ManifestDescriptor">The manifest's descriptor (equal to the target unless the target is an index).</param>
/// <param name="Manifest">The parsed manifest.</param>
/// <param name="RawManifest">The manifest bytes as stored.</param>
/// <param name="Config">The parsed image config.</param>
/// <param name="RawConfig">The config bytes as stored (its sha256 is <see cref="Id"/>).</param>
public sealed record ResolvedImage(Image Image, Descriptor ManifestDescriptor, ImageManifest Manifest, byte[] RawManifest, ImageConfig Config, byte[] RawConfig)
{
    /// <summary>The image id: the config digest, as <c>docker images</c> and <c>docker inspect</c> show it.</summary>
    public Digest Id => Digest.Parse(Manifest.Config.Digest);

    /// <summary>The manifest digest (the digest a registry would report).</summary>
    public Digest ManifestDigest => Digest.Parse(ManifestDescriptor.Digest);
}
