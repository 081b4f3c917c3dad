namespace Img.Differential;

/// <summary>Command-line options of the comparer.</summary>
internal sealed record CompareOptions(bool CompareMtime, bool CompareEntryMtime, bool Strict, bool ReferenceIs08, Buildkit08Artifacts Artifacts,
    IReadOnlyDictionary<string, string> KnownPaths)
{
    /// <summary>Whether BuildKit 0.8's own artifacts (mount stubs, dockerd's whiteouts, its history
    /// texts) are excused: only when the reference is dockerd 20.10's builder and not --strict.
    /// A standalone buildkitd (v0.11) makes none of them, so there they are differences.</summary>
    public bool Excuses08 => ReferenceIs08 && !Strict;

    /// <summary>Why a difference at <paramref name="path"/> is a known one (--known=/PATH=REASON), or null.</summary>
    public string? KnownReason(string path)
    {
        if (Strict) return null;
        foreach (var (prefix, reason) in KnownPaths)
            if (path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal)) return reason;
        return null;
    }

    // --mtime: compare modification and created times (cases that pin SOURCE_DATE_EPOCH);
    // --entry-mtime: compare only the layer entries' modification times (times a case pins
    //   through its context, with "created" left to the clock);
    // --strict: count BuildKit 0.8 artifacts as differences;
    // --stub=/PATH: an empty directory BuildKit 0.8 leaves behind as a RUN --mount target;
    // --known=/PATH=REASON: differences at or below PATH are a checked version difference;
    // --reference=buildkitd: the reference is a standalone buildkitd, not dockerd's BuildKit 0.8
    //   (the 0.8 artifacts count; --known paths, newer-BuildKit behaviour, still apply).
    public static CompareOptions Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var stubs = list.Where(a => a.StartsWith("--stub=", StringComparison.Ordinal))
            .Select(a => a["--stub=".Length..].Trim('/')).ToHashSet(StringComparer.Ordinal);
        var known = list.Where(a => a.StartsWith("--known=", StringComparison.Ordinal))
            .Select(a => a["--known=".Length..].Split('=', 2))
            .ToDictionary(p => p[0].Trim('/'), p => p.Length > 1 ? p[1] : "known", StringComparer.Ordinal);
        return new CompareOptions(list.Contains("--mtime"), list.Contains("--mtime") || list.Contains("--entry-mtime"), list.Contains("--strict"),
            !list.Contains("--reference=buildkitd"), new Buildkit08Artifacts(stubs), known);
    }
}
