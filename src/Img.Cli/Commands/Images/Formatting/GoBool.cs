using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>A Go <c>bool</c>.</summary>
public sealed record GoBool(bool Value) : GoValue
{
    public override string TypeName => "bool";
    public override string Print() => Value ? "true" : "false";
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteBooleanValue(Value);
    public override bool IsEmpty => !Value;
}
