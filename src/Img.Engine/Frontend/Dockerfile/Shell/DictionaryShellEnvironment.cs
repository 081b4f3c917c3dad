namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// An immutable, ordered variable set. <see cref="Names"/> lists each name once, in the order it
/// was first defined; redefining a name keeps its position and replaces its value (the last
/// definition wins, as in BuildKit's <c>EnvsFromSlice</c>). <see cref="With"/> returns a new
/// environment, so a stage can hand its ENV/ARG state to later instructions without copying defensively.
/// Names are compared case-sensitively (Linux semantics).
/// </summary>
public sealed class DictionaryShellEnvironment : IShellEnvironment
{
    public static DictionaryShellEnvironment Empty { get; } = new([], new Dictionary<string, string>(StringComparer.Ordinal));

    private readonly IReadOnlyList<string> _names;
    private readonly IReadOnlyDictionary<string, string> _values;

    private DictionaryShellEnvironment(IReadOnlyList<string> names, IReadOnlyDictionary<string, string> values)
    {
        _names = names;
        _values = values;
    }

    public DictionaryShellEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var names = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (!values.ContainsKey(name))
            {
                names.Add(name);
            }
            values[name] = value;
        }
        _names = names;
        _values = values;
    }

    /// <summary>
    /// Builds an environment from <c>NAME=value</c> strings (the image config's <c>Env</c> form).
    /// A string without <c>=</c> defines the name with an empty value, as BuildKit does.
    /// </summary>
    public static DictionaryShellEnvironment FromPairs(IEnumerable<string> pairs)
    {
        return new DictionaryShellEnvironment(pairs.Select(static pair =>
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? new KeyValuePair<string, string>(pair, "")
                : new KeyValuePair<string, string>(pair[..eq], pair[(eq + 1)..]);
        }));
    }

    public IEnumerable<string> Names => _names;

    public int Count => _names.Count;

    public bool TryGet(string name, out string value)
    {
        if (_values.TryGetValue(name, out var found))
        {
            value = found;
            return true;
        }
        value = "";
        return false;
    }

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public DictionaryShellEnvironment With(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var values = new Dictionary<string, string>(_values.Count + 1, StringComparer.Ordinal);
        foreach (var (k, v) in _values)
        {
            values[k] = v;
        }
        var names = _names;
        if (!values.ContainsKey(name))
        {
            names = [.. _names, name];
        }
        values[name] = value;
        return new DictionaryShellEnvironment(names, values);
    }

    /// <summary>The variables as <c>NAME=value</c> strings, in <see cref="Names"/> order.</summary>
    public IReadOnlyList<string> ToPairs() => _names.Select(n => n + "=" + _values[n]).ToList();
}
