namespace Img.Engine.Exporters;

/// <summary>File names and annotations of the OCI image layout (image-spec <c>image-layout.md</c>) and docker-archive.</summary>
public static class OciLayout
{
    public const string LayoutFile = "oci-layout";
    public const string LayoutContent = "{\"imageLayoutVersion\":\"1.0.0\"}";
    public const string IndexFile = "index.json";
    public const string BlobsDirectory = "blobs";
    public const string DockerManifestFile = "manifest.json";
    public const string DockerRepositoriesFile = "repositories";

    /// <summary>The tag (or reference) an index entry is known by; what <c>umoci --image DIR:TAG</c> and <c>skopeo oci:DIR:REF</c> select.</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>The full image name containerd and docker 25+ put beside the ref name.</summary>
    public const string ImageNameAnnotation = "io.containerd.image.name";

    /// <summary>The archive path of a blob: <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    public static string BlobPath(Content.Digest digest) => $"{BlobsDirectory}/{digest.Algorithm}/{digest.Hex}";
}
