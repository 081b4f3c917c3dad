namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// The <c>--name[=value]</c> flags of one instruction (BuildKit's <c>BFlags</c>): declare the
/// flags an instruction accepts, then <see cref="Parse"/> checks what was written against them
/// with BuildKit's messages (<c>unknown flag: --foo</c>, <c>missing a value on flag: --from</c>...).
/// </summary>
public sealed class InstructionFlags
{
    private enum Kind { Bool, String, Strings }

    private sealed class Flag(string name, Kind kind)
    {
        public string Name { get; } = name;
        public Kind Kind { get; } = kind;
        public string Value { get; set; } = "";
        public List<string> Values { get; } = new();
        public bool Used { get; set; }
    }

    private readonly IReadOnlyList<string> _written;
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();
    private bool _parsed;

    public InstructionFlags(IReadOnlyList<string> written) => _written = written;

    public void AddBool(string name, bool defaultValue = false) => Add(name, Kind.Bool).Value = defaultValue ? "true" : "false";
    public void AddString(string name, string defaultValue = "") => Add(name, Kind.String).Value = defaultValue;
    public void AddStrings(string name) => Add(name, Kind.Strings);

    private Flag Add(string name, Kind kind)
    {
        if (_flags.ContainsKey(name))
            throw new InvalidOperationException($"Duplicate flag defined: {name}");
        var flag = new Flag(name, kind);
        _flags[name] = flag;
        _order.Add(name);
        return flag;
    }

    public void Parse()
    {
        _parsed = true;
        foreach (var a in _written)
        {
            if (a == "--")
                return;
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new InstructionException($"arg should start with -- : {a}");
            var eq = a.IndexOf('=');
            var hasValue = eq >= 0;
            var flagName = hasValue ? a[..eq] : a;
            var value = hasValue ? a[(eq + 1)..] : "";
            var name = flagName[2..];
            if (!_flags.TryGetValue(name, out var flag))
                throw new InstructionException(Suggest.WithHint($"unknown flag: {flagName}", name, _order, caseSensitive: true));
            if (flag.Used && flag.Kind != Kind.Strings)
                throw new InstructionException($"duplicate flag specified: {flagName}");
            flag.Used = true;
            switch (flag.Kind)
            {
                case Kind.Bool:
                    if (hasValue && value.Length == 0)
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    flag.Value = value.ToLowerInvariant() switch
                    {
                        "true" or "" => "true",
                        "false" => "false",
                        _ => throw new InstructionException($"expecting boolean value for flag {flagName}, not: {value}"),
                    };
                    break;
                case Kind.String:
                    if (!hasValue)
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    flag.Value = value;
                    break;
                case Kind.Strings:
                    if (!hasValue)
                        throw new InstructionException($"missing a value on flag: {flagName}");
                    flag.Values.Add(value);
                    break;
            }
        }
    }

    public string String(string name) => Get(name).Value;
    public bool Bool(string name) => Get(name).Value == "true";
    public IReadOnlyList<string> Strings(string name) => Get(name).Values.ToArray();
    public bool IsUsed(string name) => Get(name).Used;

    /// <summary>The names of the flags that were written, in declaration order.</summary>
    public IReadOnlyList<string> Used() => _order.Where(n => _flags[n].Used).ToArray();

    private Flag Get(string name)
    {
        if (!_parsed)
            throw new InvalidOperationException("flags read before Parse()");
        return _flags[name];
    }
}
