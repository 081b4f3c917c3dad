using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go map with string keys; <see cref="Entries"/> null is a nil map (prints <c>map[]</c>, JSON
/// <c>null</c>). Go prints and encodes maps in key order. A missing key reads as
/// <c>&lt;no value&gt;</c> (a typed map) or is an error (<see cref="Strict"/>: docker's raw
/// fallback runs with <c>missingkey=error</c>); <c>index</c> gives <see cref="Zero"/>.
/// </summary>
public sealed record GoMap(IReadOnlyList<KeyValuePair<string, GoValue>>? Entries, GoValue Zero, string ElementType = "string", bool Strict = false) : GoValue
{
    /// <summary>A <c>map[string]string</c>, nil when <paramref name="values"/> is null.</summary>
    public static GoMap Strings(IEnumerable<KeyValuePair<string, string>>? values) =>
        new(values?.Select(kv => new KeyValuePair<string, GoValue>(kv.Key, new GoString(kv.Value))).ToList(), GoString.Empty);

    /// <summary>A set as docker keeps one, <c>map[string]struct{}</c> (ports, volumes).</summary>
    public static GoMap Set(IEnumerable<string>? keys) =>
        new(keys?.Select(k => new KeyValuePair<string, GoValue>(k, GoStruct.EmptyStruct)).ToList(), GoStruct.EmptyStruct, "struct {}");

    public override string TypeName => "map[string]" + ElementType;
    public override bool IsEmpty => Entries is null || Entries.Count == 0;
    public override int? Length => Entries?.Count ?? 0;

    public override string Print() => "map[" + string.Join(" ", Sorted().Select(kv => kv.Key + ":" + kv.Value.PrintNested())) + "]";

    public override GoValue? Field(string name)
    {
        if (Find(name) is { } value)
            return value;
        return Strict ? throw new GoTemplateException($"map has no entry for key \"{name}\"") : GoNoValue.Instance;
    }

    public override GoValue? Index(string key) => Find(key) ?? Zero;

    public override void WriteJson(Utf8JsonWriter writer)
    {
        if (Entries is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        foreach (var (key, value) in Sorted())
        {
            writer.WritePropertyName(key);
            value.WriteJson(writer);
        }
        writer.WriteEndObject();
    }

    private GoValue? Find(string key) => Entries?.FirstOrDefault(kv => kv.Key == key).Value;

    private IEnumerable<KeyValuePair<string, GoValue>> Sorted() => (Entries ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
