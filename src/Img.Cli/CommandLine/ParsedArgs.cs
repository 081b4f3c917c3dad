namespace Img.Cli.CommandLine;

/// <summary>Flags and positional arguments of one command invocation.</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, List<string>> _values;

    public ParsedArgs(Dictionary<string, List<string>> values, IReadOnlyList<string> positionals)
    {
        _values = values;
        Positionals = positionals;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public bool Bool(string name)
    {
        var v = Value(name);
        return v is not null && v != "false" && v != "0";
    }
}
