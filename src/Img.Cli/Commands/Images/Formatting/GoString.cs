using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>A Go <c>string</c>.</summary>
public sealed record GoString(string Value) : GoValue
{
    public static readonly GoString Empty = new("");

    public override string TypeName => "string";
    public override string Print() => Value;
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteStringValue(Value);
    public override bool IsEmpty => Value.Length == 0;
    public override int? Length => System.Text.Encoding.UTF8.GetByteCount(Value);
}
