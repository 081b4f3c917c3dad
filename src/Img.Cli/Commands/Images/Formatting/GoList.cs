using System.Globalization;
using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>A Go slice; <see cref="Items"/> null is a nil slice (prints <c>[]</c>, JSON <c>null</c>).</summary>
public sealed record GoList(IReadOnlyList<GoValue>? Items, string ElementType = "string") : GoValue
{
    /// <summary>A nil <c>[]string</c>.</summary>
    public static readonly GoList NilStrings = new((IReadOnlyList<GoValue>?)null);

    /// <summary>A <c>[]string</c>, nil when <paramref name="values"/> is null.</summary>
    public static GoList Strings(IEnumerable<string>? values) =>
        new(values?.Select(v => (GoValue)new GoString(v)).ToList());

    public override string TypeName => "[]" + ElementType;
    public override string Print() => "[" + string.Join(" ", (Items ?? []).Select(i => i.PrintNested())) + "]";
    public override bool IsEmpty => Items is null || Items.Count == 0;
    public override int? Length => Items?.Count ?? 0;

    public override GoValue? Index(string key) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < (Items?.Count ?? 0) ? Items![i] : null;

    public override void WriteJson(Utf8JsonWriter writer)
    {
        if (Items is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartArray();
        foreach (var item in Items)
            item.WriteJson(writer);
        writer.WriteEndArray();
    }
}
