using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker.Export;

namespace Img.Engine.Worker.Merge;

/// <summary>
/// COPY --link's merge (BuildKit's <c>ops/merge.go</c>), the simple way: an active snapshot on the
/// first input, then every layer of each further input (its lineage's blobs, diffed once and
/// kept for the export) applied on top with <see cref="SafeUnpacker"/>. The result is labelled
/// with the inputs it stacks, so the export emits their layers unchanged (BuildKit's behaviour:
/// the linked layer keeps its own blob). Costs a copy of the linked files where BuildKit stacks
/// snapshots without copying.
/// </summary>
internal sealed class MergeOpExecutor(StepSnapshots steps, IContentStore content, LayerBlobCache layers, ImageExportOptions export)
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

        await using var step = await steps.PrepareAsync(names[0], ct).ConfigureAwait(false);
        var root = step.Mount();
        foreach (var upper in names.Skip(1))
        {
            foreach (var layer in LayerChain.Resolve(steps.Snapshotter, upper))
            {
                var blob = layer.Blob is { } b && await content.ExistsAsync(b, ct).ConfigureAwait(false)
                    ? b
                    : (await layers.GetAsync(layer.Snapshot, layer.Parent, export, ct).ConfigureAwait(false)).ToDescriptor();
                await using var reader = await content.OpenAsync(blob, ct).ConfigureAwait(false);
                await SafeUnpacker.ApplyAsync(reader.Stream, root, null, ct).ConfigureAwait(false);
            }
        }
        var labels = steps.LineageLabels(job, inputs[op.Layers[0]], names[0]);
        labels[SnapshotLabels.Merge] = string.Join(',', names);
        var merged = await step.CommitAsync(StepSnapshots.NewName(job), labels, ct).ConfigureAwait(false);
        return new CacheResult(merged);
    }
}
