namespace Img.Engine.Worker.Export.Annotations;

/// <summary>
/// Where an annotation goes (BuildKit's exporter types): into a manifest, onto the descriptor
/// that names a manifest (an index entry, or the image's own descriptor for one platform), into
/// the index, or onto the descriptor that names the index.
/// </summary>
public enum AnnotationType
{
    Manifest,
    ManifestDescriptor,
    Index,
    IndexDescriptor,
}
