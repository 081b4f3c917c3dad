using Img.Engine.Frontend.Dockerfile.Conversion;

namespace Img.Engine.Git;

/// <summary>The converter's git lookups answered by the remote itself (<see cref="GitRefResolver"/>).</summary>
public sealed class GitCommitResolver : IGitCommitResolver
{
    public async ValueTask<string> ResolveAsync(string url, CancellationToken cancellationToken) =>
        await GitRefResolver.ResolveAsync(GitUrl.Parse(url), cancellationToken).ConfigureAwait(false);
}
