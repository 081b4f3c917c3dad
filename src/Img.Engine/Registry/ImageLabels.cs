namespace Img.Engine.Registry;

/// <summary>Labels the registry code puts on image-store records (not image-config labels).</summary>
public static class ImageLabels
{
    /// <summary>The digest of the index the image was selected from, when the reference named an index.</summary>
    public const string IndexDigest = "img.registry.index-digest";
    /// <summary><c>registry/repository</c> the image was pulled from; a push to the same registry mounts from it.</summary>
    public const string Source = "img.registry.source";
}
