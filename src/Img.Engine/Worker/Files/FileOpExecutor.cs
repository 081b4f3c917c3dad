using Img.Engine.Operations.Files;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Worker.Files;

/// <summary>
/// COPY / ADD / WORKDIR (BuildKit's <c>ops/file.go</c>): an active snapshot on the base (empty
/// for scratch) mounted writable, every copy source made readable (other snapshots as mounted
/// read-only views, the context as its directory plus .dockerignore filter), the actions applied
/// by <see cref="FileOpRunner"/>, then commit. A mkdir's <see cref="FileMkdirAction.CreatedTime"/>
/// (the build's SOURCE_DATE_EPOCH) becomes the runner's <see cref="FileOpRunnerOptions.SourceDateEpoch"/>
/// for that action: per build, not per process.
/// </summary>
internal sealed class FileOpExecutor(StepSnapshots steps, FileOpRunnerOptions options)
{
    private readonly FileOpRunner _runner = new(options);

    public async Task<CacheResult> ExecuteAsync(VertexJob job, FileOp op, InputResults inputs, IBuildSession session, CancellationToken ct)
    {
        var parent = inputs.Reference(op.Base).SnapshotOrNull("the base of COPY/ADD");
        await using var step = await steps.PrepareAsync(parent, ct).ConfigureAwait(false);
        var views = new List<IAsyncDisposable>();
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
                        var context = await session.OpenContextAsync(reference.Name, CacheKeyCalculator.ContentSelections(op, input), ct).ConfigureAwait(false);
                        views.Add(context);
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
            var root = step.Mount();
            foreach (var (part, created) in Parts(op))
            {
                var runner = created is null || created == options.SourceDateEpoch ? _runner : new FileOpRunner(options with { SourceDateEpoch = created });
                await runner.ApplyAsync(part, root, sources, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var view in views)
                await view.DisposeAsync().ConfigureAwait(false);
        }
        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, inputs[op.Base], parent), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }

    /// <summary>
    /// The op cut into runs of actions applied in order; each run's mkdirs share one created time
    /// (null = the runner's default). One run for every op the Dockerfile frontend writes.
    /// </summary>
    private static List<(FileOp Part, DateTimeOffset? Created)> Parts(FileOp op)
    {
        var parts = new List<(FileOp, DateTimeOffset?)>();
        var actions = new List<FileAction>();
        DateTimeOffset? created = null;
        var mkdirs = false;
        foreach (var action in op.Actions)
        {
            if (action is FileMkdirAction mkdir)
            {
                if (mkdirs && mkdir.CreatedTime != created && actions.Count > 0)
                {
                    parts.Add((op with { Actions = actions.ToArray() }, created));
                    actions = [];
                }
                created = mkdir.CreatedTime;
                mkdirs = true;
            }
            actions.Add(action);
        }
        if (actions.Count > 0 || parts.Count == 0)
            parts.Add((op with { Actions = actions.ToArray() }, created));
        return parts;
    }
}
