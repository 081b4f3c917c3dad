using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Files;

/// <summary>ADD &lt;url&gt;: the download becomes a snapshot of its own (one file), read by the copy like any other input.</summary>
internal sealed class HttpSourceExecutor(StepSnapshots steps, IHttpSourceFetcher? fetcher)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, SourceOp op, CancellationToken ct)
    {
        if (fetcher is null)
            throw new NotSupportedException($"HTTP sources are not available (ADD {op.Identifier}): no HTTP fetcher configured");
        await using var step = await steps.PrepareAsync(null, ct).ConfigureAwait(false);
        await fetcher.FetchAsync(op, step.Mount(), ct).ConfigureAwait(false);
        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, null, null), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }
}
