using System.Globalization;
using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// <c>SOURCE_DATE_EPOCH</c> (reproducible builds): the <c>--build-arg</c> of that name wins over
/// <see cref="ConvertOptions.SourceDateEpoch"/> (the client's environment variable), as with
/// BuildKit and buildx. An empty value means none.
/// </summary>
public static class SourceDateEpoch
{
    public const string ArgName = "SOURCE_DATE_EPOCH";

    /// <summary>Parses Unix seconds like BuildKit (<c>strconv.ParseInt(v, 10, 64)</c>); null for "".</summary>
    /// <exception cref="FormatException"><c>invalid SOURCE_DATE_EPOCH: V</c>.</exception>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw new FormatException($"invalid {ArgName}: {value}");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>The epoch of a conversion.</summary>
    /// <exception cref="InstructionException">The build arg is not a number.</exception>
    internal static DateTimeOffset? Of(ConvertOptions options)
    {
        if (!options.BuildArgs.TryGetValue(ArgName, out var arg))
            return options.SourceDateEpoch;
        try
        {
            return Parse(arg);
        }
        catch (FormatException e)
        {
            throw new InstructionException(e.Message);
        }
    }
}
