using Img.Engine.Paths;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// Decides whether a context path is excluded by <c>.dockerignore</c> patterns, with
/// moby/patternmatcher's semantics: patterns apply in order, the last one that matches decides
/// (a <c>!</c> exception re-includes), and a pattern that matches a parent directory applies to
/// everything below it. Paths are slash-separated and relative to the context root.
/// </summary>
/// <remarks>
/// Pattern syntax: <c>*</c> (anything but <c>/</c>), <c>?</c> (one character but <c>/</c>),
/// <c>**</c> (any number of directories), <c>[...]</c> classes, <c>\</c> escapes. Instances are
/// immutable and thread-safe.
/// </remarks>
public sealed class PatternMatcher
{
    /// <summary>Builds a matcher; each pattern is trimmed and cleaned, blank ones are skipped.</summary>
    /// <exception cref="IgnorePatternException">A lone <c>!</c>, or a malformed glob.</exception>
    public PatternMatcher(IEnumerable<string> patterns)
    {
        var list = new List<IgnorePattern>();
        foreach (var raw in patterns)
        {
            string p = raw.Trim();
            if (p.Length == 0)
            {
                continue;
            }
            p = GoPath.Clean(p);
            bool exclusion = false;
            if (p[0] == '!')
            {
                if (p.Length == 1)
                {
                    throw new IgnorePatternException("illegal exclusion pattern: \"!\"");
                }
                exclusion = true;
                p = p[1..];
                HasExclusions = true;
            }
            if (!GoGlobSyntax.IsValid(p))
            {
                throw new IgnorePatternException(IgnorePatternException.BadPattern);
            }
            list.Add(new IgnorePattern(p, exclusion));
        }
        Patterns = list;
    }

    /// <summary>The patterns in order, cleaned.</summary>
    public IReadOnlyList<IgnorePattern> Patterns { get; }

    /// <summary>
    /// True when some pattern is a <c>!</c> exception. A walker must then descend into excluded
    /// directories, because something inside may be re-included.
    /// </summary>
    public bool HasExclusions { get; }

    /// <summary>
    /// Whether <paramref name="path"/> or one of its parent directories is excluded, and no later
    /// exception re-includes it. This is the rule docker build applies to the context.
    /// </summary>
    /// <exception cref="IgnorePatternException">A pattern that had to be consulted is malformed.</exception>
    public bool MatchesOrParentMatches(string path)
    {
        bool matched = false;
        string parentPath = GoPath.Dir(path);
        string[]? parentDirs = null;

        foreach (var pattern in Patterns)
        {
            // An exclusion can only undo a match and an inclusion only make one.
            if (pattern.IsExclusion != matched)
            {
                continue;
            }
            bool match = pattern.Match(path);
            if (!match && parentPath != ".")
            {
                parentDirs ??= parentPath.Split('/');
                for (int i = 0; i < parentDirs.Length && !match; i++)
                {
                    match = MatchIgnoringErrors(pattern, string.Join('/', parentDirs, 0, i + 1));
                }
            }
            if (match)
            {
                matched = !pattern.IsExclusion;
            }
        }
        return matched;
    }

    /// <summary>
    /// patternmatcher's deprecated <c>Matches</c>: like <see cref="MatchesOrParentMatches"/>, but
    /// it only tries the one ancestor with as many elements as the pattern. docker's CLI uses it
    /// to re-include the Dockerfile and .dockerignore for the classic builder; BuildKit (and img)
    /// do not re-include them.
    /// </summary>
    public bool Matches(string path)
    {
        bool matched = false;
        string parentPath = GoPath.Dir(path);
        string[] parentDirs = parentPath.Split('/');

        foreach (var pattern in Patterns)
        {
            if (pattern.IsExclusion != matched)
            {
                continue;
            }
            bool match = pattern.Match(path);
            if (!match && parentPath != "." && pattern.Dirs.Length <= parentDirs.Length)
            {
                match = MatchIgnoringErrors(pattern, string.Join('/', parentDirs, 0, pattern.Dirs.Length));
            }
            if (match)
            {
                matched = !pattern.IsExclusion;
            }
        }
        return matched;
    }

    /// <summary>
    /// The same answer as <see cref="MatchesOrParentMatches"/>, computed from the parent
    /// directory's <paramref name="parentInfo"/> instead of re-testing each ancestor: for a tree
    /// walk, pass <c>default</c> for entries at the root and the returned info of a directory to
    /// its children.
    /// </summary>
    public bool MatchesUsingParentResults(string path, MatchInfo parentInfo, out MatchInfo info)
    {
        var parentMatched = parentInfo.ParentMatched;
        if (parentMatched is not null && parentMatched.Length != Patterns.Count)
        {
            throw new ArgumentException("wrong number of values in parentMatched", nameof(parentInfo));
        }

        bool matched = false;
        var results = new bool[Patterns.Count];
        for (int i = 0; i < Patterns.Count; i++)
        {
            var pattern = Patterns[i];
            // A pattern that matched the parent matches everything below it.
            bool match = parentMatched is not null && parentMatched[i];
            if (!match)
            {
                if (pattern.IsExclusion != matched)
                {
                    continue;
                }
                match = pattern.Match(path);
                if (!match && parentMatched is null)
                {
                    string parentPath = GoPath.Dir(path);
                    if (parentPath != ".")
                    {
                        var dirs = parentPath.Split('/');
                        for (int d = 0; d < dirs.Length && !match; d++)
                        {
                            match = MatchIgnoringErrors(pattern, string.Join('/', dirs, 0, d + 1));
                        }
                    }
                }
            }
            results[i] = match;
            if (match)
            {
                matched = !pattern.IsExclusion;
            }
        }
        info = new MatchInfo(results);
        return matched;
    }

    // Upstream ignores errors when testing ancestors; the path itself was tested first.
    private static bool MatchIgnoringErrors(IgnorePattern pattern, string path)
    {
        try
        {
            return pattern.Match(path);
        }
        catch (IgnorePatternException)
        {
            return false;
        }
    }
}
