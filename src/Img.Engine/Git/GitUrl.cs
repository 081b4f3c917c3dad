namespace Img.Engine.Git;

/// <summary>
/// A git source as a Dockerfile or <c>img build</c> names it: <c>REMOTE[#REF[:SUBDIR]]</c>
/// (BuildKit's git ref syntax), where REMOTE is <c>https://host/repo.git</c>, <c>git://...</c>,
/// <c>ssh://...</c> or <c>git@host:repo.git</c>; no REF = the remote's default branch (HEAD).
/// </summary>
public sealed record GitUrl(string Remote, string Ref, string Subdir)
{
    /// <summary>Whether <paramref name="source"/> names a git repository, as ADD and build contexts recognise one.</summary>
    public static bool IsGit(string source)
    {
        if (source.StartsWith("git@", StringComparison.Ordinal) || source.StartsWith("git://", StringComparison.Ordinal) || source.StartsWith("ssh://", StringComparison.Ordinal))
            return true;
        if (!source.StartsWith("http://", StringComparison.Ordinal) && !source.StartsWith("https://", StringComparison.Ordinal))
            return false;
        var path = source.Split('#')[0].Split('?')[0];
        return path.EndsWith(".git", StringComparison.Ordinal) || path.Contains(".git/", StringComparison.Ordinal);
    }

    public static GitUrl Parse(string source)
    {
        var hash = source.IndexOf('#');
        if (hash < 0)
            return new GitUrl(source, "", "");
        var fragment = source[(hash + 1)..];
        var colon = fragment.IndexOf(':');
        return colon < 0
            ? new GitUrl(source[..hash], fragment, "")
            : new GitUrl(source[..hash], fragment[..colon], fragment[(colon + 1)..].Trim('/'));
    }

    /// <summary>Whether <see cref="Ref"/> is a full commit id (resolved without asking the remote).</summary>
    public bool RefIsCommit => Ref.Length == 40 && Ref.All(Uri.IsHexDigit);

    public override string ToString() =>
        Remote + (Ref.Length == 0 && Subdir.Length == 0 ? "" : "#" + Ref + (Subdir.Length == 0 ? "" : ":" + Subdir));
}
