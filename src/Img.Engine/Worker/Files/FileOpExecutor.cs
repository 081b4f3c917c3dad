using Img.Engine.Operations.Files;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Worker.Files;

/// <summary>
/// COPY / ADD / WORKDIR (BuildKit's <c>ops/file.go</c>): an active snapshot on the base (empty
/// for scratch) mounted writable, every copy source made readable (other snapshots as mounted
/// read-only views, the context as its directory plus .dockerignore filter), the actions applied
/// by <see cref="FileOpRunner"/>, then commit.
/// </summary>
internal sealed class FileOpExecutor(StepSnapshots steps, LocalSources locals, FileOpRunner runner)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, FileOp op, InputResults inputs, CancellationToken ct)
    {
        var parent = inputs.Reference(op.Base).SnapshotOrNull("the base of COPY/ADD");
        await using var step = await steps.PrepareAsync(parent, ct).ConfigureAwait(false);
        var views = new List<MountedView>();
        try
        {
            var sources = new Dictionary<OpInput, FileInputSource>();
            foreach (var action in op.Actions)
            {
                if (action is not FileCopyAction { Source: { } input } || sources.ContainsKey(input))
                    continue;
                var reference = inputs.Reference(input);
                switch (reference.Kind)
                {
                    case SnapshotReferenceKind.Local:
                        var context = locals.Get(reference.Name);
                        sources[input] = new FileInputSource(context.Root, context.Filter);
                        break;
                    case SnapshotReferenceKind.Snapshot:
                        var view = await steps.ViewAsync(reference.Name, ct).ConfigureAwait(false);
                        views.Add(view);
                        sources[input] = new FileInputSource(view.Directory);
                        break;
                    default:
                        var empty = Path.Join(steps.Scratch, "empty");
                        Directory.CreateDirectory(empty);
                        sources[input] = new FileInputSource(empty);
                        break;
                }
            }
            await runner.ApplyAsync(op, step.Mount(), sources, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var view in views)
                await view.DisposeAsync().ConfigureAwait(false);
        }
        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, inputs[op.Base], parent), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }
}
