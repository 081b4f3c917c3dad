using Img.Engine.Oci;

namespace Img.Engine.Worker.Export.Annotations;

/// <summary>
/// Every annotation a build asked for (BuildKit's <c>AnnotationsGroup</c>), later ones replacing
/// earlier ones of the same address. <see cref="For"/> picks one image's: index annotations
/// whatever their platform, manifest annotations without a platform plus those of the image's
/// platform.
/// </summary>
public sealed class AnnotationSet
{
    private readonly Dictionary<AnnotationKey, string> _values;

    public AnnotationSet(IEnumerable<KeyValuePair<AnnotationKey, string>> annotations)
    {
        _values = new Dictionary<AnnotationKey, string>(new KeyComparer());
        foreach (var (key, value) in annotations)
            _values[key] = value;
    }

    public static AnnotationSet Empty { get; } = new([]);

    public bool IsEmpty => _values.Count == 0;

    public IReadOnlyCollection<AnnotationKey> Keys => _values.Keys;

    /// <summary>Every annotation, by address.</summary>
    public IReadOnlyDictionary<AnnotationKey, string> Entries => _values;

    /// <summary>Whether the index or its descriptor is annotated (an export of one platform has neither).</summary>
    public bool HasIndexAnnotations => _values.Keys.Any(k => k.Type is AnnotationType.Index or AnnotationType.IndexDescriptor);

    /// <summary>The annotations of the image of <paramref name="platform"/>; null = an image of no named platform (BuildKit's single-platform export: platform-limited ones do not apply).</summary>
    public ImageAnnotations For(Platform? platform)
    {
        var wanted = platform is null ? null : PlatformName(platform);
        SortedDictionary<string, string> Pick(AnnotationType type, bool anyPlatform) =>
            new(_values.Where(p => p.Key.Type == type && (anyPlatform || p.Key.Platform is null || PlatformName(p.Key.Platform) == wanted))
                // an unlimited one first, so one for this platform wins over it
                .OrderBy(p => p.Key.Platform is null ? 0 : 1)
                .GroupBy(p => p.Key.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return new ImageAnnotations(
            Pick(AnnotationType.Manifest, false),
            Pick(AnnotationType.ManifestDescriptor, false),
            Pick(AnnotationType.Index, true),
            Pick(AnnotationType.IndexDescriptor, true));
    }

    /// <summary>The platform a key is limited to, as <c>os/arch[/variant]</c>: keys compare by it.</summary>
    public static string PlatformName(Platform platform) => platform.ToString();

    private sealed class KeyComparer : IEqualityComparer<AnnotationKey>
    {
        public bool Equals(AnnotationKey? x, AnnotationKey? y) =>
            x is not null && y is not null && x.Type == y.Type && x.Key == y.Key &&
            (x.Platform is null ? y.Platform is null : y.Platform is not null && PlatformName(x.Platform) == PlatformName(y.Platform));

        public int GetHashCode(AnnotationKey k) => HashCode.Combine(k.Type, k.Key, k.Platform is null ? "" : PlatformName(k.Platform));
    }
}
