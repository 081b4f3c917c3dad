using Img.Engine.Archive;

namespace Img.Engine.Git;

/// <summary>
/// Writes one commit's tree (or its <see cref="GitUrl.Subdir"/>) into a directory, as BuildKit's git
/// source does: fetched shallowly by ref with the <c>git</c> program, checked to be the commit the
/// build was keyed by (else that commit itself), and without <c>.git</c> unless asked (<c>--keep-git-dir</c>; then the
/// directory is a checkout with <c>origin</c> pointing at the remote). Files come out through
/// <c>git archive</c> and the engine's safe unpacker, so nothing lands outside the directory.
/// </summary>
public static class GitCheckout
{
    /// <param name="commit">The commit the ref was resolved to (<see cref="GitRefResolver"/>); null = whatever the ref names now.</param>
    /// <param name="scratch">Where a temporary repository may be made (removed afterwards).</param>
    /// <returns>The commit written.</returns>
    /// <exception cref="GitException">Fetch failed, the ref moved and the keyed commit cannot be had, or the subdirectory is not in it.</exception>
    public static async Task<string> CheckoutAsync(GitUrl url, string? commit, bool keepGitDir, string dest, string scratch, CancellationToken ct)
    {
        var inPlace = keepGitDir && url.Subdir.Length == 0;
        var repo = inPlace ? dest : Path.Join(scratch, "git-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(repo);
        try
        {
            await GitCommand.RunAsync(["init", "-q", repo], null, ct).ConfigureAwait(false);
            var fetched = await FetchAsync(url, commit, repo, ct).ConfigureAwait(false);
            if (commit is not null && !fetched.Equals(commit, StringComparison.OrdinalIgnoreCase))
                fetched = await FetchMovedAsync(url, commit, repo, ct).ConfigureAwait(false);
            if (inPlace)
            {
                await GitCommand.RunAsync(["remote", "add", "origin", url.Remote], repo, ct).ConfigureAwait(false);
                await GitCommand.RunAsync(["-c", "advice.detachedHead=false", "checkout", "-q", fetched], repo, ct).ConfigureAwait(false);
                return fetched;
            }
            var tree = url.Subdir.Length == 0 ? fetched : fetched + ":" + url.Subdir;
            Directory.CreateDirectory(dest);
            await GitCommand.StreamAsync(["archive", "--format=tar", tree], repo,
                stream => SafeUnpacker.ApplyAsync(stream, dest, new UnpackOptions { ApplyWhiteouts = false, Decompress = false }, ct).AsTask(), ct).ConfigureAwait(false);
            return fetched;
        }
        finally
        {
            if (!inPlace && Directory.Exists(repo))
                Directory.Delete(repo, recursive: true);
        }
    }

    /// <summary>
    /// The ref names another commit than the build was keyed by (pushed to meanwhile): as BuildKit,
    /// the keyed commit itself when the remote still gives it out, else an error.
    /// </summary>
    private static async Task<string> FetchMovedAsync(GitUrl url, string commit, string repo, CancellationToken ct)
    {
        try
        {
            await GitCommand.RunAsync(["fetch", "-q", "--no-tags", "--", url.Remote, commit], repo, ct).ConfigureAwait(false);
            return (await GitCommand.RunAsync(["rev-parse", "--verify", commit + "^{commit}"], repo, ct).ConfigureAwait(false)).Trim();
        }
        catch (GitException)
        {
            throw new GitException($"fetched ref {(url.Ref.Length == 0 ? "HEAD" : url.Ref)} does not match expected commit {commit} and commit can not be found in the repository");
        }
    }

    /// <summary>Fetches the ref (shallow) or the commit; returns the commit fetched.</summary>
    private static async Task<string> FetchAsync(GitUrl url, string? commit, string repo, CancellationToken ct)
    {
        if (url.RefIsCommit)
        {
            // Servers may refuse a want that is no ref tip: then everything, and the commit from it.
            try
            {
                await GitCommand.RunAsync(["fetch", "-q", "--no-tags", "--", url.Remote, url.Ref], repo, ct).ConfigureAwait(false);
            }
            catch (GitException)
            {
                await GitCommand.RunAsync(["fetch", "-q", "--tags", "--", url.Remote, "+refs/heads/*:refs/remotes/origin/*"], repo, ct).ConfigureAwait(false);
            }
            return (await GitCommand.RunAsync(["rev-parse", "--verify", url.Ref + "^{commit}"], repo, ct).ConfigureAwait(false)).Trim();
        }
        var wanted = url.Ref.Length == 0 ? "HEAD" : url.Ref;
        await GitCommand.RunAsync(["fetch", "-q", "--depth=1", "--no-tags", "--", url.Remote, wanted], repo, ct).ConfigureAwait(false);
        return (await GitCommand.RunAsync(["rev-parse", "--verify", "FETCH_HEAD^{commit}"], repo, ct).ConfigureAwait(false)).Trim();
    }
}
