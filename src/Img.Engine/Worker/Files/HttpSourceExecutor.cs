using Img.Engine.Graph;
using Img.Engine.Operations.Files;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Files;

/// <summary>ADD &lt;url&gt;: the download becomes a snapshot of its own (one file), read by the copy like any other input.</summary>
internal sealed class HttpSourceExecutor(StepSnapshots steps, HttpClient http)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, SourceOp op, CancellationToken ct)
    {
        await using var step = await steps.PrepareAsync(null, ct).ConfigureAwait(false);
        await HttpSourceFetcher.FetchAsync(op, step.Mount(), http, ct).ConfigureAwait(false);
        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, null, null), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }
}
