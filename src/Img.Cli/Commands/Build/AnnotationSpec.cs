using System.Text.RegularExpressions;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Worker.Export.Annotations;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The two spellings of an image annotation. <c>--annotation [TYPE[,TYPE...]:]KEY=VALUE</c> as
/// buildx reads it: no type means <c>manifest</c>, a type may carry a platform in brackets
/// (<c>manifest[linux/arm64]:KEY=VALUE</c>); errors in buildx's words under
/// <c>parse annotations: </c>. And the exporter attributes of <c>-o</c> as BuildKit reads them:
/// <c>annotation.KEY</c>, <c>annotation-TYPE.KEY</c>, <c>annotation-TYPE[PLATFORM].KEY</c>. A key
/// BuildKit's exporter would not take as an annotation (empty, or with white space) is dropped, as
/// the exporter leaves it out.
/// </summary>
public static partial class AnnotationSpec
{
    /// <exception cref="UserFacingException">A value buildx refuses.</exception>
    public static IReadOnlyList<KeyValuePair<AnnotationKey, string>> ParseFlags(IEnumerable<string> values)
    {
        var result = new List<KeyValuePair<AnnotationKey, string>>();
        foreach (var value in values)
        {
            if (value.Length == 0)
                continue;
            var eq = value.IndexOf('=');
            if (eq < 0)
                throw Invalid($"invalid annotation \"{value}\", expected key=value");
            var (name, text) = (value[..eq], value[(eq + 1)..]);
            var colon = name.IndexOf(':');
            if (colon < 0)
            {
                Add(result, new AnnotationKey(AnnotationType.Manifest, null, name), text);
                continue;
            }
            var key = name[(colon + 1)..];
            foreach (var typeAndPlatform in name[..colon].Split(','))
            {
                var match = FlagType().Match(typeAndPlatform);
                if (!match.Success)
                    throw Invalid($"invalid annotation type \"{typeAndPlatform}\", expected type and optional platform in square brackets");
                var type = AnnotationKey.ParseType(match.Groups[1].Value)
                    ?? throw Invalid($"unknown annotation type \"{match.Groups[1].Value}\"");
                Platform? platform = null;
                if (match.Groups[2].Success)
                {
                    try
                    {
                        platform = PlatformSpec.Parse(match.Groups[2].Value);
                    }
                    catch (FormatException e)
                    {
                        throw Invalid($"invalid platform \"{match.Groups[2].Value}\": {e.Message}");
                    }
                }
                Add(result, new AnnotationKey(type, platform, key), text);
            }
        }
        return result;
    }

    /// <summary>The <c>annotation*</c> attributes of one <c>-o</c> value (other attributes are not looked at).</summary>
    /// <exception cref="UserFacingException">An attribute BuildKit's exporter refuses, with its words.</exception>
    public static IReadOnlyList<KeyValuePair<AnnotationKey, string>> ParseAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        var result = new List<KeyValuePair<AnnotationKey, string>>();
        foreach (var (name, text) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var match = AttributeKey().Match(name);
            if (!match.Success)
                continue;
            var type = AnnotationType.Manifest;
            if (match.Groups[1].Success)
            {
                type = AnnotationKey.ParseType(match.Groups[1].Value)
                    ?? throw new UserFacingException(SolveErrors.Failed($"unrecognized annotation type {match.Groups[1].Value}"));
            }
            Platform? platform = null;
            if (match.Groups[2].Success)
            {
                try
                {
                    platform = PlatformSpec.Parse(match.Groups[2].Value);
                }
                catch (FormatException e)
                {
                    throw new UserFacingException(SolveErrors.Failed(e.Message));
                }
            }
            Add(result, new AnnotationKey(type, platform, match.Groups[3].Value), text);
        }
        return result;
    }

    /// <summary>What reaches BuildKit: an index has no platform, and a key the exporter cannot read is none.</summary>
    private static void Add(List<KeyValuePair<AnnotationKey, string>> into, AnnotationKey key, string value)
    {
        if (key.Key.Length == 0 || key.Key.Any(char.IsWhiteSpace))
            return;
        if (key.Type is AnnotationType.Index or AnnotationType.IndexDescriptor)
            key = key with { Platform = null };
        into.Add(new(key, value));
    }

    private static UserFacingException Invalid(string reason) => new("parse annotations: " + reason);

    [GeneratedRegex(@"^([a-z-]+)(?:\[([A-Za-z0-9_/-]+)\])?$")]
    private static partial Regex FlagType();

    [GeneratedRegex(@"^annotation(?:-([a-z-]+))?(?:\[([A-Za-z0-9_/-]+)\])?\.(\S+)$")]
    private static partial Regex AttributeKey();
}
