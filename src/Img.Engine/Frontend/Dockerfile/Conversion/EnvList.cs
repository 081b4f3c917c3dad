using Img.Engine.Frontend.Dockerfile.Shell;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// An ordered, immutable variable list (BuildKit's <c>llb.EnvList</c>): setting an existing name
/// replaces its value in place, a new name goes last. The state's env, the global ARGs.
/// </summary>
internal sealed class EnvList : IShellEnvironment
{
    public static EnvList Empty { get; } = new([]);

    private readonly IReadOnlyList<KeyValuePair<string, string>> _items;

    private EnvList(IReadOnlyList<KeyValuePair<string, string>> items) => _items = items;

    public static EnvList FromPairs(IEnumerable<string> pairs)
    {
        var env = Empty;
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            env = eq < 0 ? env.Set(pair, "") : env.Set(pair[..eq], pair[(eq + 1)..]);
        }
        return env;
    }

    public EnvList Set(string key, string value)
    {
        var items = _items.ToList();
        var i = items.FindIndex(p => p.Key == key);
        if (i >= 0)
            items[i] = new(key, value);
        else
            items.Add(new(key, value));
        return new EnvList(items);
    }

    public bool TryGet(string name, out string value)
    {
        foreach (var p in _items)
        {
            if (p.Key == name)
            {
                value = p.Value;
                return true;
            }
        }
        value = "";
        return false;
    }

    public IEnumerable<string> Names => _items.Select(p => p.Key);

    public IReadOnlyList<KeyValuePair<string, string>> Items => _items;

    /// <summary><c>NAME=value</c> sorted by name: the exec op's canonical env.</summary>
    public IReadOnlyList<string> ToSortedPairs() =>
        _items.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value).ToArray();
}
