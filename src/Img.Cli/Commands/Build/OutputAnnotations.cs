using Img.Cli.CommandLine;
using Img.Engine.Oci;
using Img.Engine.Worker.Export.Annotations;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The one set of annotations of a build. buildx copies every <c>--annotation</c> into each
/// output's attributes (replacing an attribute of the same address), and BuildKit's image, oci,
/// docker and registry exporters read them; local and tar outputs have no manifest. img exports
/// one image for all its outputs, so those outputs may not disagree. Checked before anything
/// runs, with the words buildx and BuildKit use when they refuse the same.
/// </summary>
public static class OutputAnnotations
{
    /// <summary>buildx's refusal of an index annotation when the build makes no index.</summary>
    public const string SinglePlatformIndex = "index annotations not supported for single platform export";

    /// <param name="flags">Parsed <c>--annotation</c> values (<see cref="AnnotationSpec.ParseFlags"/>).</param>
    /// <param name="warn">Told about annotations that are accepted but have no effect.</param>
    /// <exception cref="UserFacingException">Annotations the build cannot apply.</exception>
    public static AnnotationSet Resolve(IReadOnlyList<KeyValuePair<AnnotationKey, string>> flags, IReadOnlyList<OutputSpec> outputs, bool push,
        IReadOnlyList<Platform> platforms, Action<string> warn)
    {
        var images = outputs.Where(o => o.Type is OutputType.Image or OutputType.Oci or OutputType.Docker or OutputType.Registry)
            .Select(o => o.Attributes).ToList();
        if (outputs.Count == 0 || push)
            images.Add(new Dictionary<string, string>());
        if (images.Count == 0)
            return AnnotationSet.Empty;
        var sets = images.Select(attributes => new AnnotationSet(AnnotationSpec.ParseAttributes(attributes).Concat(flags))).ToList();
        if (sets.Select(Signature).Distinct(StringComparer.Ordinal).Count() > 1)
            throw new UsageException("conflicting annotations in \"-o, --output\" values: every output of a build shares one image", "build");
        var set = sets[0];

        if (platforms.Count <= 1)
        {
            if (set.HasIndexAnnotations)
                throw new UserFacingException(SinglePlatformIndex);
            // BuildKit's export of one image takes only the annotations without a platform
            foreach (var key in set.Keys.Where(k => k.Platform is not null))
                warn($"annotation {key} is not applied: BuildKit applies annotations for a platform only to builds of several platforms");
            return set;
        }
        var built = platforms.Select(AnnotationSet.PlatformName).ToHashSet(StringComparer.Ordinal);
        foreach (var key in set.Keys.Where(k => k.Platform is not null))
        {
            if (!built.Contains(AnnotationSet.PlatformName(key.Platform!)))
                throw new UserFacingException(SolveErrors.Failed($"invalid annotation: no platform {AnnotationSet.PlatformName(key.Platform!)} found in source"));
        }
        return set;
    }

    private static string Signature(AnnotationSet set) =>
        string.Join('\n', set.Entries.Select(e => $"{e.Key}={e.Value}").Order(StringComparer.Ordinal));
}
