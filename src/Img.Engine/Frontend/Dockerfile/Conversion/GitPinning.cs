using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Git;
using Img.Engine.Graph;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Pins every git source the target needs to the commit its ref names now
/// (<see cref="SourceOp.Checksum"/>, which a git fetch then verifies, as <c>ADD --checksum</c> does):
/// BuildKit keys git sources by commit, so a new commit on the branch misses the cache and the
/// same commit hits it. A <c>--checksum</c> given must be a hex prefix of that commit.
/// </summary>
internal static class GitPinning
{
    public static async Task PinAsync(ConversionContext ctx, OpDigest target, Dictionary<OpDigest, BuildOp> replacements, CancellationToken ct)
    {
        if (ctx.Options.GitResolver is not { } resolver)
            return;
        foreach (var vertex in ctx.Graph.Build(target).Vertices)
        {
            if (vertex.Op is not SourceOp { SourceKind: SourceKind.Git } git)
                continue;
            var line = vertex.Metadata.Line;
            if (git.Checksum.Length > 0 && !git.Checksum.All(Uri.IsHexDigit))
                throw new InstructionException($"invalid checksum {git.Checksum} for Git URL, expected hex commit hash", line);
            string commit;
            try
            {
                commit = await resolver.ResolveAsync(git.Identifier, ct).ConfigureAwait(false);
            }
            catch (GitException e)
            {
                throw new InstructionException(e.Message, line);
            }
            if (git.Checksum.Length > 0 && !commit.StartsWith(git.Checksum, StringComparison.OrdinalIgnoreCase))
                throw new InstructionException($"expected checksum to match {git.Checksum}, got {commit}", line);
            replacements[vertex.Digest] = git with { Checksum = commit };
        }
    }
}
