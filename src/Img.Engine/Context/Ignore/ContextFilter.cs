using Img.Engine.Paths;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// Decides which paths of a build context are sent, from the ignore file's patterns.
/// <para>
/// Locating the ignore file (BuildKit): <c>&lt;Dockerfile&gt;.dockerignore</c> beside the
/// Dockerfile wins (for <c>-f build/app.Dockerfile</c>, <c>build/app.Dockerfile.dockerignore</c>),
/// even when empty; otherwise <c>&lt;context&gt;/.dockerignore</c>; otherwise nothing is excluded.
/// </para>
/// <para>
/// The patterns are applied as they are, as BuildKit's frontend applies them to the context: a
/// Dockerfile or <c>.dockerignore</c> they exclude is not sent, so <c>COPY . .</c> leaves it
/// out (docker's classic builder re-included both; BuildKit does not). The Dockerfile and the
/// ignore file are read from their own paths, never from the filtered context.
/// </para>
/// </summary>
public sealed class ContextFilter
{
    /// <param name="patterns">Patterns as <see cref="DockerignoreFile.Parse(TextReader)"/> returns them.</param>
    public ContextFilter(IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        Patterns = patterns;
        Matcher = new PatternMatcher(patterns);
    }

    /// <summary>The patterns read from the ignore file.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The ignore file that was read, or null if there was none.</summary>
    public string? IgnoreFilePath { get; private init; }

    /// <summary>The matcher the decisions use.</summary>
    public PatternMatcher Matcher { get; }

    /// <summary>Whether the path (relative to the context, slash-separated) is sent.</summary>
    public bool IsIncluded(string relativePath)
    {
        string path = GoPath.Clean(relativePath.Replace('\\', '/'));
        // The context root itself is never excluded.
        return path == "." || !Matcher.MatchesOrParentMatches(path);
    }

    /// <summary>
    /// Whether a walker must look inside the directory: it is included, or it is excluded but an
    /// exception might re-include something below it.
    /// </summary>
    public bool ShouldDescend(string relativeDirectory) => Matcher.HasExclusions || IsIncluded(relativeDirectory);

    /// <summary>
    /// The ignore file for a build: <c>&lt;dockerfile&gt;.dockerignore</c> if it exists, else
    /// <c>&lt;context&gt;/.dockerignore</c> if it exists, else null.
    /// </summary>
    /// <param name="contextDirectory">The build context directory.</param>
    /// <param name="dockerfilePath">The Dockerfile path as given (-f), or null for the default
    /// <c>&lt;context&gt;/Dockerfile</c>.</param>
    public static string? LocateIgnoreFile(string contextDirectory, string? dockerfilePath)
    {
        string dockerfile = Path.GetFullPath(dockerfilePath ?? Path.Combine(contextDirectory, "Dockerfile"));
        string specific = dockerfile + DockerignoreFile.DefaultName;
        if (File.Exists(specific))
        {
            return specific;
        }
        string general = Path.Combine(Path.GetFullPath(contextDirectory), DockerignoreFile.DefaultName);
        return File.Exists(general) ? general : null;
    }

    /// <summary>
    /// Locates and reads the ignore file for a build and returns the filter for its context.
    /// </summary>
    /// <param name="contextDirectory">The build context directory.</param>
    /// <param name="dockerfilePath">The Dockerfile path as given (-f; relative paths are taken from
    /// the current directory), or null for <c>&lt;context&gt;/Dockerfile</c>. Pass null too when
    /// the Dockerfile comes from stdin.</param>
    /// <exception cref="IgnorePatternException">The ignore file has a malformed pattern.</exception>
    public static ContextFilter Load(string contextDirectory, string? dockerfilePath)
    {
        string context = Path.GetFullPath(contextDirectory);
        string? ignoreFile = LocateIgnoreFile(context, dockerfilePath);
        IReadOnlyList<string> patterns = [];
        if (ignoreFile is not null)
        {
            using var reader = new StreamReader(ignoreFile, detectEncodingFromByteOrderMarks: false);
            patterns = DockerignoreFile.Parse(reader);
        }

        return new ContextFilter(patterns)
        {
            IgnoreFilePath = ignoreFile,
        };
    }
}
