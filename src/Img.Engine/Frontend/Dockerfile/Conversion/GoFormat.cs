using System.Globalization;
using System.Text;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// The bits of Go's <c>fmt</c> that BuildKit's history lines use: <c>%q</c> of a string slice
/// (<c>["/bin/sh" "-c" "x"]</c>), <c>%v</c> of a slice (<c>[a b]</c>) and <c>%+v</c> of a health config.
/// </summary>
internal static class GoFormat
{
    public static string QuoteSlice(IReadOnlyList<string>? values) =>
        "[" + string.Join(' ', (values ?? []).Select(Quote)) + "]";

    public static string Slice(IEnumerable<string>? values) => "[" + string.Join(' ', values ?? []) + "]";

    public static string Health(HealthConfig h) =>
        $"{{Test:{Slice(h.Test)} Interval:{GoDuration.Format(h.Interval)} Timeout:{GoDuration.Format(h.Timeout)} " +
        $"StartPeriod:{GoDuration.Format(h.StartPeriod)} StartInterval:{GoDuration.Format(h.StartInterval)} Retries:{h.Retries}}}";

    /// <summary>Go's <c>strconv.Quote</c>.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var r = rune.Value;
            switch (r)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }
            if (r < 0x20 || r == 0x7F)
            {
                sb.Append("\\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                     or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                     or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                     || (Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator && r != ' '))
            {
                sb.Append(r < 0x10000 ? "\\u" + r.ToString("x4", CultureInfo.InvariantCulture) : "\\U" + r.ToString("x8", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }
        sb.Append('"');
        return sb.ToString();
    }
}
