using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Oci;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// The bits of Go's <c>fmt</c> that BuildKit's history lines use: <c>%q</c> of a string slice
/// (<c>["/bin/sh" "-c" "x"]</c>), <c>%v</c> of a slice (<c>[a b]</c>) and <c>%+v</c> of a health config.
/// </summary>
internal static class GoFormat
{
    public static string QuoteSlice(IReadOnlyList<string>? values) => GoQuote.QuoteList(values ?? []);

    public static string Slice(IEnumerable<string>? values) => "[" + string.Join(' ', values ?? []) + "]";

    public static string Health(HealthConfig h) =>
        $"{{Test:{Slice(h.Test)} Interval:{GoDuration.Format(h.Interval)} Timeout:{GoDuration.Format(h.Timeout)} " +
        $"StartPeriod:{GoDuration.Format(h.StartPeriod)} StartInterval:{GoDuration.Format(h.StartInterval)} Retries:{h.Retries}}}";
}
