using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker.Exec;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Files;
using Img.Engine.Worker.Merge;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Worker;

/// <summary>
/// The engine's <see cref="IVertexExecutor"/> (BuildKit's worker, <c>worker/base</c> + <c>llbsolver/ops</c>):
/// dispatches each op kind to its executor and returns a <see cref="CacheResult"/> naming the
/// committed snapshot. Image sources unpack into chain-ID snapshots, the local context is served
/// in place (<c>local:NAME</c>), RUN runs in runc, file ops go through <see cref="Operations.Files.FileOpRunner"/>,
/// merges stack layers, the export vertex writes the image (<see cref="ImageExporter"/>) and a
/// multi-platform build's target its index (<see cref="ImageIndexExporter"/>).
/// One instance per node, shared by every build; thread-safe.
/// </summary>
public sealed class VertexExecutor : IVertexExecutor
{
    private readonly VertexExecutorOptions _options;
    private readonly ImageSourceExecutor _images;
    private readonly ExecOpExecutor _exec;
    private readonly FileOpExecutor _files;
    private readonly HttpSourceExecutor _http;
    private readonly GitSourceExecutor _git;
    private readonly MergeOpExecutor _merge;
    private readonly ImageExporter _exporter;
    private readonly ImageIndexExporter _indexes;
    private readonly LocalBuildSession _localSession;

    public VertexExecutor(VertexExecutorOptions options)
    {
        _options = options;
        var scratch = Path.Join(options.State.TempRoot, "worker");
        var steps = new StepSnapshots(options.Snapshotter, scratch);
        Locator = new BaseImageLocator(options.Content, options.Images, options.Registries);
        Checksums = new ContextChecksumProvider(options.LocalSources);
        Layers = new LayerBlobCache(options.Snapshotter, options.Content, Path.Join(options.State.CacheRoot, "layers"));
        _images = new ImageSourceExecutor(Locator, new LayerChainUnpacker(options.Snapshotter, options.Content, scratch));
        _exec = new ExecOpExecutor(steps, options.Runtime, new CacheMountStore(CacheMountStore.RootIn(options.State)));
        _files = new FileOpExecutor(steps, options.FileOps);
        _localSession = new LocalBuildSession(options.LocalSources, options.Secrets, options.SshAgents);
        _http = new HttpSourceExecutor(steps, options.Http);
        _git = new GitSourceExecutor(steps, Path.Join(scratch, "git"));
        _merge = new MergeOpExecutor(steps);
        _exporter = new ImageExporter(options.Snapshotter, options.Content, Layers);
        _indexes = new ImageIndexExporter(options.Content);
    }

    /// <summary>Finds base images (store, then registry); also what <see cref="LocalImageConfigResolver"/> uses.</summary>
    public BaseImageLocator Locator { get; }

    /// <summary>Content checksums of the registered local contexts, for the solver's cache keys.</summary>
    public IContentChecksumProvider Checksums { get; }

    /// <summary>Exported layer blobs by snapshot.</summary>
    public LayerBlobCache Layers { get; }

    public LocalSources LocalSources => _options.LocalSources;

    public async ValueTask<VertexResult> ExecuteAsync(VertexJob job, CancellationToken cancellationToken)
    {
        var inputs = new InputResults(job);
        var session = job.Session ?? _localSession;
        var result = job.Vertex.Op switch
        {
            SourceOp { SourceKind: SourceKind.Image or SourceKind.OciLayout } image => await _images.ExecuteAsync(job, image, cancellationToken).ConfigureAwait(false),
            SourceOp { SourceKind: SourceKind.Local } local => Local(local, job.Session is not null),
            SourceOp { SourceKind: SourceKind.Http } http => await _http.ExecuteAsync(job, http, cancellationToken).ConfigureAwait(false),
            SourceOp { SourceKind: SourceKind.Git } git => await _git.ExecuteAsync(job, git, cancellationToken).ConfigureAwait(false),
            SourceOp source => throw new NotSupportedException($"{source.SourceKind} sources are not supported ({source.Identifier})"),
            ExecOp exec => await _exec.ExecuteAsync(job, exec, inputs, session, cancellationToken).ConfigureAwait(false),
            FileOp file => await _files.ExecuteAsync(job, file, inputs, session, cancellationToken).ConfigureAwait(false),
            MergeOp merge => await _merge.ExecuteAsync(job, merge, inputs, cancellationToken).ConfigureAwait(false),
            ImageConfigOp export => await ExportAsync(export, inputs, cancellationToken).ConfigureAwait(false),
            ImageIndexOp index => new CacheResult("", Image: await _indexes.ExportAsync(index, index.Manifests.Select(m => inputs[m]).ToArray(), cancellationToken).ConfigureAwait(false)),
            var op => throw new NotSupportedException($"op kind {op.Kind} is not supported"),
        };
        return new VertexResult(result);
    }

    private CacheResult Local(SourceOp local, bool remote)
    {
        // fails early when the context is not served here; a remote client's is read when a step needs it
        if (!remote)
            _options.LocalSources.Get(local.Identifier);
        return new CacheResult(SnapshotReference.ForLocal(local.Identifier));
    }

    private async Task<CacheResult> ExportAsync(ImageConfigOp op, InputResults inputs, CancellationToken ct)
    {
        var root = inputs[op.Root];
        // The build's SOURCE_DATE_EPOCH and layer compression travel in the op (per build); the node's settings are the fallback.
        var options = _options.Export;
        if (op.SourceDateEpoch is { } epoch)
            options = options with { SourceDateEpoch = epoch };
        if (op.Compression is { } compression)
            options = options with { Compression = compression };
        var manifest = await _exporter.ExportAsync(op, root, options, ct).ConfigureAwait(false);
        return new CacheResult(root?.SnapshotId ?? "", Image: manifest);
    }
}
