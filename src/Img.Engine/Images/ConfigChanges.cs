using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// Applies Dockerfile instructions given as <c>--change</c> (<c>img import -c 'CMD ["/bin/sh"]'</c>)
/// to a container config. Each change is parsed by the Dockerfile parser; only the instructions
/// docker allows in <c>--change</c> are accepted: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD,
/// STOPSIGNAL, USER, VOLUME, WORKDIR. Values are taken literally (no variable expansion).
/// </summary>
public static class ConfigChanges
{
    private static readonly string[] Allowed = ["cmd", "entrypoint", "env", "expose", "label", "onbuild", "stopsignal", "user", "volume", "workdir"];

    /// <exception cref="FormatException">A change is not one instruction, or not an allowed one.</exception>
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes)
    {
        foreach (var change in changes)
            config = ApplyOne(config, change);
        return config;
    }

    private static ContainerConfig ApplyOne(ContainerConfig config, string change)
    {
        ParseResult parsed;
        try
        {
            parsed = DockerfileParser.Parse(change);
        }
        catch (DockerfileParseException e)
        {
            throw new FormatException($"invalid change \"{change}\": {e.Message}", e);
        }
        if (parsed.Root.Children.Count != 1)
            throw new FormatException($"invalid change \"{change}\": expected exactly one instruction");
        var node = parsed.Root.Children[0];
        var keyword = node.Value;
        if (!Allowed.Contains(keyword))
            throw new FormatException($"{keyword.ToUpperInvariant()} is not a valid change command");
        var args = node.Arguments().ToList();
        return keyword switch
        {
            "cmd" => config with { Cmd = Command(node, args) },
            "entrypoint" => config with { Entrypoint = Command(node, args) },
            "env" => config with { Env = MergeEnv(config.Env, Pairs(args, keyword)) },
            "label" => config with { Labels = Merge(config.Labels, Pairs(args, keyword)) },
            "expose" => config with { ExposedPorts = MergeSet(config.ExposedPorts, args.Select(p => p.Contains('/') ? p : p + "/tcp")) },
            "volume" => config with { Volumes = MergeSet(config.Volumes, args) },
            "onbuild" => config with { OnBuild = [.. config.OnBuild ?? [], change.Trim()[7..].Trim()] },
            "stopsignal" => config with { StopSignal = Single(args, keyword) },
            "user" => config with { User = Single(args, keyword) },
            "workdir" => config with { WorkingDir = Single(args, keyword) },
            _ => config,
        };
    }

    private static IReadOnlyList<string> Command(Node node, List<string> args) =>
        node.IsJson ? args : ["/bin/sh", "-c", string.Join(' ', args)];

    private static string Single(List<string> args, string keyword) =>
        args.Count > 0 ? string.Join(' ', args) : throw new FormatException($"{keyword.ToUpperInvariant()} requires an argument");

    /// <summary>ENV and LABEL arrive as (key, value, separator) triples.</summary>
    private static List<(string Key, string Value)> Pairs(List<string> args, string keyword)
    {
        if (args.Count == 0 || args.Count % 3 != 0)
            throw new FormatException($"{keyword.ToUpperInvariant()} requires key=value arguments");
        var pairs = new List<(string, string)>();
        for (var i = 0; i < args.Count; i += 3)
            pairs.Add((Unquote(args[i]), Unquote(args[i + 1])));
        return pairs;
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] == '"' || s[0] == '\'') && s[^1] == s[0] ? s[1..^1] : s;

    private static IReadOnlyList<string> MergeEnv(IReadOnlyList<string>? env, List<(string Key, string Value)> pairs)
    {
        var result = (env ?? []).ToList();
        foreach (var (key, value) in pairs)
        {
            result.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
            result.Add(key + "=" + value);
        }
        return result;
    }

    private static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string>? map, List<(string Key, string Value)> pairs)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map ?? new Dictionary<string, string>()) result[k] = v;
        foreach (var (k, v) in pairs) result[k] = v;
        return result;
    }

    private static IReadOnlyDictionary<string, EmptyObject> MergeSet(IReadOnlyDictionary<string, EmptyObject>? set, IEnumerable<string> keys)
    {
        var result = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var k in (set ?? new Dictionary<string, EmptyObject>()).Keys) result[k] = EmptyObject.Instance;
        foreach (var k in keys) result[k] = EmptyObject.Instance;
        return result;
    }
}
