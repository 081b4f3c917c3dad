using System.Text.RegularExpressions;

namespace Img.Differential;

/// <summary>History "created_by" texts that BuildKit 0.8 writes differently from current
/// BuildKit (checked in moby/buildkit's dockerfile2llb at HEAD), where img follows current.</summary>
internal static partial class HistoryText
{
    public static string? Known(string? buildkit, string? img)
    {
        if (buildkit is null || img is null) return null;
        // v0.8 leaves --chown/--chmod out of COPY/ADD; current writes them (convert_copy.go).
        if (Regex.IsMatch(img, "^(COPY|ADD) ") && CopyFlags().Replace(img, "") == buildkit)
            return "BuildKit 0.8 omits --chown/--chmod";
        // v0.8 writes the Dockerfile default of an ARG; current the value in effect (--build-arg).
        if (buildkit.StartsWith("ARG ", StringComparison.Ordinal) && img.StartsWith("ARG ", StringComparison.Ordinal)
            && ArgKeys(buildkit) == ArgKeys(img))
            return "BuildKit 0.8 writes the default, not the --build-arg value";
        // v0.8 repeats a build arg declared twice in RUN's "|N K=V" prefix; current keeps one.
        if (buildkit.StartsWith("RUN |", StringComparison.Ordinal) && DedupRunArgs(buildkit) == img)
            return "BuildKit 0.8 repeats a redeclared ARG in RUN's history";
        // v0.8 formats the health config with %q of a pointer; current with %+v (and StartInterval).
        if (buildkit.StartsWith("HEALTHCHECK &{", StringComparison.Ordinal) && img.StartsWith("HEALTHCHECK {", StringComparison.Ordinal))
            return "BuildKit 0.8 formats HEALTHCHECK as %q of a pointer";
        // v0.8 prints the port map (sorted keys); current the list of ports (convert_expose.go).
        if (buildkit.StartsWith("EXPOSE map[", StringComparison.Ordinal) && img.StartsWith("EXPOSE [", StringComparison.Ordinal)
            && Ports(buildkit) == Ports(img))
            return "BuildKit 0.8 prints EXPOSE as a map";
        return null;
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
