using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go struct: fields in declaration order. It prints as <c>{v1 v2 ...}</c> (every field, empty
/// ones as nothing between the spaces) and encodes as a JSON object without the empty
/// <c>omitempty</c> fields.
/// </summary>
public sealed record GoStruct(string Type, IReadOnlyList<GoField> Fields) : GoValue
{
    /// <summary><c>struct{}</c>, the value of docker's sets.</summary>
    public static readonly GoStruct EmptyStruct = new("struct {}", []);

    public override string TypeName => Type;
    public override string Print() => "{" + string.Join(" ", Fields.Select(f => f.Value.PrintNested())) + "}";

    // encoding/json never omits a struct value.
    public override bool IsEmpty => false;

    /// <summary>
    /// A field by its Go name only: a JSON name (<c>.Id</c> for <c>ID</c>) fails here, as in docker,
    /// whose inspect then runs the template over the decoded JSON instead.
    /// </summary>
    public override GoValue? Field(string name) => Fields.FirstOrDefault(f => f.Name == name)?.Value;

    public override void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var field in Fields)
        {
            if (field.OmitEmpty && field.Value.IsEmpty)
                continue;
            writer.WritePropertyName(field.Json);
            field.Value.WriteJson(writer);
        }
        writer.WriteEndObject();
    }
}
