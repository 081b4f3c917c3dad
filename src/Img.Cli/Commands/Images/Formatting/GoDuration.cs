using System.Globalization;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go <c>time.Duration</c> (the HEALTHCHECK times): JSON is the nanosecond count, printing is
/// <c>Duration.String</c> (<c>1m30s</c>, <c>1.5s</c>, <c>250ms</c>, <c>0s</c>).
/// </summary>
public sealed record GoDuration(long Nanoseconds) : GoValue
{
    private const long Microsecond = 1_000;
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000_000_000;

    public override string TypeName => "time.Duration";
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteNumberValue(Nanoseconds);
    public override bool IsEmpty => Nanoseconds == 0;

    public override string Print()
    {
        if (Nanoseconds == 0)
            return "0s";
        var sign = Nanoseconds < 0 ? "-" : "";
        var n = Nanoseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(Nanoseconds);
        if (n < Microsecond)
            return sign + n.ToString(CultureInfo.InvariantCulture) + "ns";
        if (n < Millisecond)
            return sign + Decimal(n, Microsecond) + "µs";
        if (n < Second)
            return sign + Decimal(n, Millisecond) + "ms";

        // Whole hours and minutes, then seconds with their fraction; larger units only when non-zero.
        var seconds = Decimal(n % (60 * (ulong)Second), Second);
        var minutes = n / Second / 60;
        if (minutes == 0)
            return sign + seconds + "s";
        var hours = minutes / 60;
        var text = (minutes % 60).ToString(CultureInfo.InvariantCulture) + "m" + seconds + "s";
        return sign + (hours > 0 ? hours.ToString(CultureInfo.InvariantCulture) + "h" + text : text);
    }

    /// <summary><paramref name="n"/> in units of <paramref name="unit"/>, the fraction without trailing zeros.</summary>
    private static string Decimal(ulong n, long unit)
    {
        var whole = (n / (ulong)unit).ToString(CultureInfo.InvariantCulture);
        var fraction = n % (ulong)unit;
        if (fraction == 0)
            return whole;
        var digits = (int)Math.Log10(unit);
        return whole + "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
