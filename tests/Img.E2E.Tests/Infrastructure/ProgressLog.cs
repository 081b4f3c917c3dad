using System.Text.RegularExpressions;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>The steps of a <c>--progress=plain</c> log: description -> how it ended (<c>CACHED</c>, <c>DONE</c>, <c>ERROR</c>).</summary>
public static partial class ProgressLog
{
    public static IReadOnlyDictionary<string, string> Steps(string log)
    {
        var names = new Dictionary<string, string>();
        var outcome = new Dictionary<string, string>();
        foreach (var line in log.Split('\n'))
        {
            var m = Line().Match(line);
            if (!m.Success) continue;
            var (n, rest) = (m.Groups[1].Value, m.Groups[2].Value);
            if (!names.ContainsKey(n))
                names[n] = rest;
            else if (rest == "CACHED" || rest.StartsWith("DONE", StringComparison.Ordinal) || rest.StartsWith("ERROR", StringComparison.Ordinal))
                outcome[names[n]] = rest.Split(' ', 2)[0].TrimEnd(':');
        }
        // vertices may share a description (ADD of a URL or git repository: the source and the copy); one entry each
        return names.Values.Distinct().ToDictionary(d => d, d => outcome.GetValueOrDefault(d, "?"));
    }

    /// <summary>Only the Dockerfile steps (<c>[2/5] RUN ...</c>).</summary>
    public static IReadOnlyDictionary<string, string> DockerfileSteps(string log) =>
        Steps(log).Where(kv => kv.Key.StartsWith('[') && !Internal().IsMatch(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    [GeneratedRegex(@"^#(\d+) (.*)$")]
    private static partial Regex Line();

    // "[internal] ...", in a build of several platforms "[linux/arm64 internal] ...", and a named
    // image context's lookup "[context NAME] load metadata for REF" (never cached, as BuildKit's)
    [GeneratedRegex(@"^\[([a-z0-9_/.-]+ )?internal\]|^\[context [^\]]+\] load metadata for ")]
    private static partial Regex Internal();
}
