using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go <c>time.Duration</c> (the HEALTHCHECK times) as docker's templates see it: JSON is the
/// nanosecond count, printing is <c>Duration.String</c> (<c>1m30s</c>, <c>1.5s</c>, <c>250ms</c>, <c>0s</c>).
/// </summary>
public sealed record GoDuration(long Nanoseconds) : GoValue
{
    public override string TypeName => "time.Duration";
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteNumberValue(Nanoseconds);
    public override bool IsEmpty => Nanoseconds == 0;
    public override string Print() => Img.Engine.Text.GoDuration.Format(Nanoseconds);
}
