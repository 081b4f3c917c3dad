namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Looks up the commit a git source's ref names now, so the converter can pin the source to it
/// (the cache key then follows the commit, as BuildKit keys git sources). The implementation
/// runs <c>git ls-remote</c> (<c>Img.Engine.Git.GitCommitResolver</c>).
/// </summary>
public interface IGitCommitResolver
{
    /// <param name="url">The git source as written (<c>https://host/repo.git#ref:subdir</c>).</param>
    /// <returns>The full commit id.</returns>
    /// <exception cref="Img.Engine.Git.GitException">The remote cannot be read or has no such ref.</exception>
    ValueTask<string> ResolveAsync(string url, CancellationToken cancellationToken);
}
