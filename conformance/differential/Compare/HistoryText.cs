using System.Text.RegularExpressions;

namespace Img.Differential;

/// <summary>History "created_by" texts that BuildKit 0.8 writes differently from current
/// BuildKit (checked in moby/buildkit's dockerfile2llb at HEAD), where img follows current.
/// Every rule is a change made after v0.11.6 too (the commit's first release is named), so they
/// hold for both references; buildkitd v0.11.6 writes these texts as 0.8 does.</summary>
internal static partial class HistoryText
{
    public static string? Known(string? buildkit, string? img)
    {
        if (buildkit is null || img is null) return null;
        // v0.8 and v0.11 leave --chown/--chmod out of COPY/ADD; current writes them (convert_copy.go).
        if (Regex.IsMatch(img, "^(COPY|ADD) ") && CopyFlags().Replace(img, "") == buildkit)
            return "dockerfile frontend < 1.7 omits --chown/--chmod";
        // v0.8 and v0.11 write the Dockerfile's ARG text; current the value in effect (--build-arg,
        // global value).
        if (buildkit.StartsWith("ARG ", StringComparison.Ordinal) && img.StartsWith("ARG ", StringComparison.Ordinal)
            && ArgKeys(buildkit) == ArgKeys(img))
            return "BuildKit < 0.14 (47a52a17b) writes the Dockerfile's text, not the value in effect";
        // v0.8 repeats a build arg declared twice in RUN's "|N K=V" prefix; current keeps one (v0.18, e2be8f768).
        if (buildkit.StartsWith("RUN |", StringComparison.Ordinal) && DedupRunArgs(buildkit) == img)
            return "BuildKit < 0.18 repeats a redeclared ARG in RUN's history";
        // A stage FROM another stage starts with that stage's build args since v0.15 (c7c2f0e97):
        // they join RUN's "|N K=V" prefix; before, only the stage's own ARGs were there.
        if (buildkit.StartsWith("RUN ", StringComparison.Ordinal) && img.StartsWith("RUN |", StringComparison.Ordinal)
            && RunArgs(DedupRunArgs(buildkit)) is var (bkArgs, bkCommand) && RunArgs(img) is var (imgArgs, imgCommand)
            && bkCommand == imgCommand && bkArgs.Count < imgArgs.Count && bkArgs.All(imgArgs.Contains))
            return "BuildKit < 0.15 leaves a base stage's build args out of RUN's history";
        // v0.8 formats the health config with %q of a pointer; current with %+v (and StartInterval).
        if (buildkit.StartsWith("HEALTHCHECK &{", StringComparison.Ordinal) && img.StartsWith("HEALTHCHECK {", StringComparison.Ordinal))
            return "dockerfile frontend < 1.24 formats HEALTHCHECK as %q of a pointer";
        // v0.8 prints the port map (sorted keys); current the list of ports (convert_expose.go).
        if (buildkit.StartsWith("EXPOSE map[", StringComparison.Ordinal) && img.StartsWith("EXPOSE [", StringComparison.Ordinal)
            && Ports(buildkit) == Ports(img))
            return "dockerfile frontend < 1.19 prints EXPOSE as a map";
        return null;
    }

    // "RUN |2 A=1 B=2 cmd" -> ([A=1, B=2], "cmd"); "RUN cmd" -> ([], "cmd")
    private static (IReadOnlyList<string> Args, string Command) RunArgs(string text)
    {
        var words = text.Split(' ');
        if (words.Length < 2 || !words[1].StartsWith('|') || !int.TryParse(words[1].AsSpan(1), out var n) || words.Length < 2 + n)
            return ([], string.Join(' ', words.Skip(1)));
        return (words.Skip(2).Take(n).ToList(), string.Join(' ', words.Skip(2 + n)));
    }

    private static string ArgKeys(string text) =>
        string.Join(" ", text[4..].Split(' ').Select(a => a.Split('=')[0]));

    private static string Ports(string text) =>
        string.Join(" ", PortToken().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal));

    // "RUN |3 A=1 B=2 A=3 cmd" -> "RUN |2 A=3 B=2 cmd" (first position, last value)
    private static string DedupRunArgs(string text)
    {
        var words = text.Split(' ');
        if (!int.TryParse(words[1].AsSpan(1), out var n) || words.Length < 2 + n) return text;
        var keys = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in words.Skip(2).Take(n))
        {
            var key = pair.Split('=')[0];
            if (!values.ContainsKey(key)) keys.Add(key);
            values[key] = pair;
        }
        return string.Join(' ', new[] { "RUN", "|" + keys.Count }.Concat(keys.Select(k => values[k])).Concat(words.Skip(2 + n)));
    }

    [GeneratedRegex(@" --(chown|chmod)=\S+")]
    private static partial Regex CopyFlags();

    [GeneratedRegex(@"\d+/(tcp|udp|sctp)")]
    private static partial Regex PortToken();
}
