using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A value as a Go template sees it: docker runs <c>--format</c> templates over typed Go structs,
/// so an unset slice still exists and prints <c>[]</c>, an unset map prints <c>map[]</c>, an unset
/// pointer <c>&lt;nil&gt;</c>, and <c>json</c> prints each of them as <c>null</c>. JSON alone
/// cannot carry that (a null has no type), hence this small model of Go values.
/// </summary>
public abstract record GoValue
{
    /// <summary>The Go type, as text/template names it in errors (<c>*container.Config</c>).</summary>
    public abstract string TypeName { get; }

    /// <summary>Go's <c>%v</c> as a template prints the value itself.</summary>
    public abstract string Print();

    /// <summary>Go's <c>%v</c> for the value inside a struct, slice or map.</summary>
    public virtual string PrintNested() => Print();

    /// <summary>encoding/json's encoding of the value.</summary>
    public abstract void WriteJson(Utf8JsonWriter writer);

    /// <summary>Whether a field tagged <c>omitempty</c> leaves this value out of the JSON.</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>
    /// <c>.Name</c> on this value: the field or map entry, <see cref="GoNoValue"/> for a key a map
    /// lacks, or null when the value has no such field.
    /// </summary>
    public virtual GoValue? Field(string name) => null;

    /// <summary>The <c>index</c> function: the element, or null when the value cannot be indexed.</summary>
    public virtual GoValue? Index(string key) => null;

    /// <summary>The <c>len</c> function, or null when the value has no length.</summary>
    public virtual int? Length => null;

    /// <summary>
    /// Untyped JSON as docker's raw fallback sees it (the JSON decoded into maps): objects are maps
    /// that refuse unknown keys, arrays slices, and null a nil interface (<c>&lt;no value&gt;</c>).
    /// </summary>
    public static GoValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new GoMap(
            element.EnumerateObject().Select(p => new KeyValuePair<string, GoValue>(p.Name, FromJson(p.Value))).ToList(),
            GoNoValue.Instance, Strict: true),
        JsonValueKind.Array => new GoList(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.String => new GoString(element.GetString()!),
        JsonValueKind.Number => new GoNumber(element.GetRawText()),
        JsonValueKind.True => new GoBool(true),
        JsonValueKind.False => new GoBool(false),
        _ => GoNoValue.Instance,
    };
}
