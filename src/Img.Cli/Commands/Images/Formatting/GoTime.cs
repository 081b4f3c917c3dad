using System.Globalization;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go <c>time.Time</c> in UTC: JSON is RFC 3339 with nanoseconds (trailing zeros dropped),
/// printing is <c>Time.String</c> (<c>2024-05-01 10:00:00.5 +0000 UTC</c>).
/// </summary>
public sealed record GoTime(DateTimeOffset Value) : GoValue
{
    public override string TypeName => "time.Time";
    public override string Print() => Utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + Fraction() + " +0000 UTC";
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteStringValue(Rfc3339Nano(Value));

    // encoding/json never omits a struct, and time.Time is one.
    public override bool IsEmpty => false;

    /// <summary>Go's <c>time.RFC3339Nano</c> of <paramref name="value"/> in UTC.</summary>
    public static string Rfc3339Nano(DateTimeOffset value) =>
        new GoTime(value).Utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + new GoTime(value).Fraction() + "Z";

    private DateTime Utc => Value.UtcDateTime;

    private string Fraction()
    {
        var ticks = Utc.Ticks % TimeSpan.TicksPerSecond;
        return ticks == 0 ? "" : "." + ticks.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
    }
}
