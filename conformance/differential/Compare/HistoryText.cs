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
        string.Join(" ", PortToken().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    [GeneratedRegex(@" --(chown|chmod)=\S+")]
    private static partial Regex CopyFlags();

    [GeneratedRegex(@"\d+/(tcp|udp|sctp)")]
    private static partial Regex PortToken();
}
