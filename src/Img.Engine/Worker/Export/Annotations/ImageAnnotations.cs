namespace Img.Engine.Worker.Export.Annotations;

/// <summary>
/// The annotations of one exported image (BuildKit's <c>Annotations</c> for one platform): each
/// map sorted by key, as Go marshals maps, so the documents' bytes do not depend on the order the
/// user gave them in.
/// </summary>
public sealed record ImageAnnotations(
    IReadOnlyDictionary<string, string> Manifest,
    IReadOnlyDictionary<string, string> ManifestDescriptor,
    IReadOnlyDictionary<string, string> Index,
    IReadOnlyDictionary<string, string> IndexDescriptor)
{
    /// <summary>null for an empty map: a document without annotations has no <c>annotations</c> field.</summary>
    public static IReadOnlyDictionary<string, string>? OrNull(IReadOnlyDictionary<string, string> map) => map.Count == 0 ? null : map;
}
