using Img.Engine.Git;
using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// A git source (ADD of a git URL, a git named context): the commit's tree checked out into a
/// snapshot of its own (<see cref="GitCheckout"/>), which COPY reads or steps run on. The
/// converter pinned the source to a commit (<see cref="SourceOp.Checksum"/>); a ref that names
/// another commit by now is an error, never a silently different tree under the same cache key.
/// </summary>
internal sealed class GitSourceExecutor(StepSnapshots steps, string scratch)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, SourceOp op, CancellationToken ct)
    {
        var url = GitUrl.Parse(op.Identifier);
        var pinned = op.Checksum.Length is 40 or 64 ? op.Checksum : null;
        await using var step = await steps.PrepareAsync(null, ct).ConfigureAwait(false);
        Directory.CreateDirectory(scratch);
        var commit = await GitCheckout.CheckoutAsync(url, pinned, op.KeepGitDir, step.Mount(), scratch, ct).ConfigureAwait(false);
        if (op.Checksum.Length > 0 && !commit.StartsWith(op.Checksum, StringComparison.OrdinalIgnoreCase))
            throw new GitException($"expected checksum to match {op.Checksum}, got {commit}");
        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, null, null), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }
}
