using Img.Engine.Oci;

namespace Img.Engine.Worker.Export.Annotations;

/// <summary>
/// One annotation's address: its type, the platform it is limited to (null = every platform) and
/// its key. Index annotations have no platform: an index is one document for every platform.
/// </summary>
public sealed record AnnotationKey(AnnotationType Type, Platform? Platform, string Key)
{
    /// <summary>The type as buildx spells it (<c>manifest-descriptor</c>).</summary>
    public static string TypeName(AnnotationType type) => type switch
    {
        AnnotationType.Manifest => "manifest",
        AnnotationType.ManifestDescriptor => "manifest-descriptor",
        AnnotationType.Index => "index",
        AnnotationType.IndexDescriptor => "index-descriptor",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The type for buildx's spelling; null for an unknown one.</summary>
    public static AnnotationType? ParseType(string name) => name switch
    {
        "manifest" => AnnotationType.Manifest,
        "manifest-descriptor" => AnnotationType.ManifestDescriptor,
        "index" => AnnotationType.Index,
        "index-descriptor" => AnnotationType.IndexDescriptor,
        _ => null,
    };

    /// <summary>The <c>--annotation</c> form: <c>manifest[linux/amd64]:KEY</c>.</summary>
    public override string ToString() =>
        TypeName(Type) + (Platform is null ? "" : "[" + Platform + "]") + ":" + Key;
}
