using System.Text.Json;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// A Go pointer (<c>*container.HealthConfig</c>, <c>*int</c>); <see cref="Target"/> null is nil,
/// which prints <c>&lt;nil&gt;</c> and encodes as <c>null</c>. A template prints what a pointer
/// points to; inside a struct Go would print an address, which means nothing to a script, so the
/// value is shown with <c>&amp;</c> instead.
/// </summary>
public sealed record GoPointer(GoValue? Target, string ElementType) : GoValue
{
    public override string TypeName => "*" + ElementType;
    public override string Print() => Target?.Print() ?? "<nil>";
    public override string PrintNested() => Target is null ? "<nil>" : "&" + Target.PrintNested();
    public override bool IsEmpty => Target is null;
    public override int? Length => Target?.Length;
    public override GoValue? Index(string key) => Target?.Index(key);

    public override GoValue? Field(string name) =>
        Target is null ? throw new GoTemplateException($"nil pointer evaluating {TypeName}.{name}") : Target.Field(name);

    public override void WriteJson(Utf8JsonWriter writer)
    {
        if (Target is null)
            writer.WriteNullValue();
        else
            Target.WriteJson(writer);
    }
}
