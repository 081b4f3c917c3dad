using System.Globalization;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>A Go integer (or a JSON number), kept as its decimal text.</summary>
public sealed record GoNumber(string Text) : GoValue
{
    public GoNumber(long value) : this(value.ToString(CultureInfo.InvariantCulture))
    {
    }

    public override string TypeName => "int64";
    public override string Print() => Text;
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteRawValue(Text);
    public override bool IsEmpty => Text == "0";
}
