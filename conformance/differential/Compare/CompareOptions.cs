namespace Img.Differential;

/// <summary>Command-line options of the comparer.</summary>
internal sealed record CompareOptions(bool CompareMtime, bool Strict, Buildkit08Artifacts Artifacts)
{
    // --mtime: compare modification and created times (cases that pin SOURCE_DATE_EPOCH);
    // --strict: count BuildKit 0.8 artifacts as differences;
    // --stub=/PATH: an empty directory BuildKit 0.8 leaves behind as a RUN --mount target.
    public static CompareOptions Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var stubs = list.Where(a => a.StartsWith("--stub=", StringComparison.Ordinal))
            .Select(a => a["--stub=".Length..].Trim('/')).ToHashSet(StringComparer.Ordinal);
        return new CompareOptions(list.Contains("--mtime"), list.Contains("--strict"), new Buildkit08Artifacts(stubs));
    }
}
