using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.References;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--build-context NAME=VALUE</c> as buildx reads it: the name normalised like an image
/// reference (familiar form, no <c>:latest</c>), the value kept as written until the build opens it
/// (<see cref="NamedContextLoader"/>).
/// </summary>
public static class BuildContextSpec
{
    /// <summary>Normalised name to value; a later value for the same name wins, as in buildx.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (eq < 0)
                throw new UserFacingException($"invalid context value: {value}, expected key=value");
            var name = value[..eq];
            try
            {
                result[NamedContextName.Normalize(name)] = value[(eq + 1)..];
            }
            catch (InvalidReferenceException e)
            {
                throw new UserFacingException($"invalid context name {name}: {e.Message}");
            }
        }
        return result;
    }
}
