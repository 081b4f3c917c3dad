using System.Text.RegularExpressions;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// Where the steps of a cluster build ran, from its <c>--progress=plain</c> log: every
/// <c>#N running on NODE</c> line, by the step's description (a step re-run after its node died
/// names both nodes, in order).
/// </summary>
public static partial class NodeLog
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> RunsOn(string log)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in log.Split('\n'))
        {
            var m = Step().Match(line.TrimEnd('\r'));
            if (!m.Success) continue;
            var (n, rest) = (m.Groups[1].Value, m.Groups[2].Value);
            if (!names.TryGetValue(n, out var name))
            {
                names[n] = rest;
                continue;
            }
            if (rest.StartsWith(RunningOn, StringComparison.Ordinal))
            {
                if (!runs.TryGetValue(name, out var nodes))
                    runs[name] = nodes = [];
                nodes.Add(rest[RunningOn.Length..].Trim());
            }
        }
        return runs.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The node that ran the step whose description ends with <paramref name="suffix"/> (the last one, if it ran twice).</summary>
    public static string NodeOf(string log, string suffix)
    {
        var runs = RunsOn(log);
        var match = runs.Where(kv => kv.Key.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        if (match.Count != 1)
            Assert.Fail($"expected one step ending with \"{suffix}\" with a \"running on\" line, found {match.Count}:\n{log}");
        return match[0].Value[^1];
    }

    private const string RunningOn = "running on ";

    [GeneratedRegex(@"^#(\d+) (.*)$")]
    private static partial Regex Step();
}
