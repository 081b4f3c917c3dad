using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Merge;

/// <summary>
/// COPY --link's merge (BuildKit's <c>ops/merge.go</c>): the inputs' snapshots stacked by the
/// snapshotter (<see cref="Snapshots.ISnapshotter.MergeAsync"/>): overlay backends list the
/// stacked directories as lower layers and copy nothing, native copies. The result is labelled
/// with the inputs it stacks, so the export emits their layers unchanged (BuildKit's behaviour:
/// the linked layer keeps its own blob, whatever is below it).
/// </summary>
internal sealed class MergeOpExecutor(StepSnapshots steps)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, MergeOp op, InputResults inputs, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var input in op.Layers)
        {
            if (inputs.Reference(input).SnapshotOrNull("a COPY --link layer") is { } name && !names.Contains(name))
                names.Add(name);
        }
        if (names.Count == 0)
            return new CacheResult("");
        if (names.Count == 1)
            return new CacheResult(names[0]);

        var labels = steps.LineageLabels(job, inputs[op.Layers[0]], names[0]);
        labels[SnapshotLabels.Merge] = string.Join(',', names);
        var merged = await steps.Snapshotter.MergeAsync(StepSnapshots.NewName(job), names, labels, ct).ConfigureAwait(false);
        return new CacheResult(merged.Key);
    }
}
