namespace Img.Engine.Text;

/// <summary>One table of a TOML document: its dotted path, whether it is an item of an array of tables, its keys.</summary>
public sealed record TomlTable(string Path, bool IsArrayItem, int Line)
{
    public Dictionary<string, TomlValue> Values { get; } = new(StringComparer.Ordinal);
}
