using System.Globalization;
using System.Text;

namespace Img.Engine.Text;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, in nanoseconds: HEALTHCHECK flags
/// and <c>prune --filter until=</c> take Go durations (<c>1m30s</c>, <c>500ms</c>), and the
/// history line and <c>inspect</c> templates print them back.
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, long Nanos)[] Units =
    [
        ("ns", 1L), ("us", 1_000L), ("µs", 1_000L), ("μs", 1_000L), ("ms", 1_000_000L),
        ("s", 1_000_000_000L), ("m", 60_000_000_000L), ("h", 3_600_000_000_000L),
    ];

    /// <exception cref="FormatException">With Go's message, e.g. <c>time: invalid duration "abc"</c>.</exception>
    public static long Parse(string text)
    {
        var orig = text;
        var s = text;
        var neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
            return 0;
        if (s.Length == 0)
            throw Invalid(orig);
        decimal total = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var intPart = s[..i];
            var fracPart = "";
            var rest = s[i..];
            if (rest.StartsWith('.'))
            {
                var j = 1;
                while (j < rest.Length && char.IsAsciiDigit(rest[j])) j++;
                fracPart = rest[1..j];
                rest = rest[j..];
            }
            if (intPart.Length == 0 && fracPart.Length == 0)
                throw Invalid(orig);
            var u = 0;
            while (u < rest.Length && rest[u] != '.' && !char.IsAsciiDigit(rest[u])) u++;
            var unit = rest[..u];
            if (unit.Length == 0)
                throw new FormatException($"time: missing unit in duration {Quote(orig)}");
            var nanos = Units.FirstOrDefault(x => x.Unit == unit).Nanos;
            if (nanos == 0)
                throw new FormatException($"time: unknown unit {Quote(unit)} in duration {Quote(orig)}");
            var number = decimal.Parse((intPart.Length == 0 ? "0" : intPart) + (fracPart.Length == 0 ? "" : "." + fracPart), CultureInfo.InvariantCulture);
            total += number * nanos;
            if (total > long.MaxValue)
                throw Invalid(orig);
            s = rest[u..];
        }
        var result = (long)decimal.Truncate(total);
        return neg ? -result : result;
    }

    /// <summary>Go's <c>Duration.String()</c>: <c>0s</c>, <c>1.5s</c>, <c>1m30s</c>, <c>500ms</c>.</summary>
    public static string Format(long nanos)
    {
        if (nanos == 0)
            return "0s";
        var neg = nanos < 0;
        var u = neg ? (ulong)(-nanos) : (ulong)nanos;
        string body;
        if (u < 1_000_000_000UL)
        {
            (ulong div, string unit) = u < 1_000UL ? (1UL, "ns") : u < 1_000_000UL ? (1_000UL, "µs") : (1_000_000UL, "ms");
            body = Fraction(u, div) + unit;
        }
        else
        {
            var sb = new StringBuilder();
            var hours = u / 3_600_000_000_000UL;
            u -= hours * 3_600_000_000_000UL;
            var minutes = u / 60_000_000_000UL;
            u -= minutes * 60_000_000_000UL;
            if (hours > 0)
                sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (hours > 0 || minutes > 0)
                sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
            sb.Append(Fraction(u, 1_000_000_000UL)).Append('s');
            body = sb.ToString();
        }
        return neg ? "-" + body : body;
    }

    private static string Fraction(ulong value, ulong div)
    {
        var whole = value / div;
        var frac = value % div;
        var text = whole.ToString(CultureInfo.InvariantCulture);
        if (frac == 0)
            return text;
        var digits = div.ToString(CultureInfo.InvariantCulture).Length - 1;
        return text + "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }

    private static FormatException Invalid(string orig) => new($"time: invalid duration {Quote(orig)}");

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
