using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// What text/template yields for a key a typed map lacks, or for a JSON null in decoded JSON (a
/// nil interface): it prints <c>&lt;no value&gt;</c>.
/// </summary>
public sealed record GoNoValue : GoValue
{
    public static readonly GoNoValue Instance = new();

    private GoNoValue()
    {
    }

    public override string TypeName => "<invalid>";
    public override string Print() => "<no value>";
    public override void WriteJson(Utf8JsonWriter writer) => writer.WriteNullValue();
    public override bool IsEmpty => true;
}
