namespace Img.Engine.Git;

/// <summary>
/// A ref to the commit it names now, with <c>git ls-remote REMOTE REF REF^{}</c>, in BuildKit's
/// order: a full commit id is itself; then <c>refs/REF</c>, a branch, a tag (an annotated tag
/// peeled to its commit); no ref = the remote's HEAD. BuildKit keys the git source's cache by this
/// commit.
/// </summary>
public static class GitRefResolver
{
    /// <exception cref="GitException">The remote cannot be read (<c>failed to fetch remote ...</c>) or has no such ref.</exception>
    public static async Task<string> ResolveAsync(GitUrl url, CancellationToken ct)
    {
        if (url.RefIsCommit)
            return url.Ref.ToLowerInvariant();
        var wanted = url.Ref.Length == 0 ? "HEAD" : url.Ref;
        string output;
        try
        {
            output = await GitCommand.RunAsync(["ls-remote", "--", url.Remote, wanted, wanted + "^{}"], null, ct).ConfigureAwait(false);
        }
        catch (GitException e)
        {
            throw new GitException($"failed to fetch remote {url.Remote}: {e.Message}", e);
        }
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0)
                refs[line[(tab + 1)..].Trim()] = line[..tab];
        }
        var bare = wanted.StartsWith("refs/", StringComparison.Ordinal) ? wanted[5..] : wanted;
        var tag = "refs/tags/" + (bare.StartsWith("tags/", StringComparison.Ordinal) ? bare[5..] : bare);
        foreach (var name in (string[])[wanted == "HEAD" ? "HEAD" : "refs/" + bare, "refs/heads/" + bare, tag + "^{}", tag])
        {
            if (refs.TryGetValue(name, out var commit))
                return commit;
        }
        throw new GitException($"repository does not contain ref {wanted}, output: \"{output.Replace("\n", "\\n", StringComparison.Ordinal)}\"");
    }
}
