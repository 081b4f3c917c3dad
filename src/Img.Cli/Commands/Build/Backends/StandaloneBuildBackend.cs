using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Coordinator.Builds;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Engine.Solver;
using Img.Engine.Worker.Sources;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// The cluster collapsed into this process: <see cref="StandaloneEngine"/>. Base images are pulled
/// whole while the Dockerfile converts (their layers are needed anyway), except with cache imports
/// (<paramref name="lazyBaseImages"/>): then only their manifests and configs, and the layers when a
/// step runs on them.
/// </summary>
/// <param name="pull"><c>--pull</c>: base image tags are resolved at their registries, never from the local store.</param>
internal sealed class StandaloneBuildBackend(StandaloneEngine engine, IContentStore content, StartupTrace trace, bool lazyBaseImages = false, bool pull = false) : IBuildBackend
{
    private readonly List<string> _served = [];

    public IImageConfigResolver ImageConfigs { get; } = lazyBaseImages
        ? new RemoteImageConfigResolver(engine.Executor.Locator, pull)
        : new LocalImageConfigResolver(engine.Executor.Locator, refresh: pull);

    public void ServeContext(string name, BuildContext context)
    {
        engine.Executor.LocalSources.Register(name, context);
        _served.Add(name);
    }

    public async Task<IBuildEvent> BuildAsync(StartBuild start, BuildGraph graph, Action<IBuildEvent> onProgress, CancellationToken cancellationToken)
    {
        var runtime = await engine.RuntimeAsync();
        trace.Mark("actor system ready");
        return await BuildClient.RunAsync(runtime.System, runtime.Builds, start, onProgress, cancellationToken);
    }

    public Task DeliverAsync(BuildOutputs outputs, BuildRequest request, CacheResult target, IProgressStep exporter, CancellationToken cancellationToken) =>
        outputs.DeliverAsync(request, target.Image!, exporter, cancellationToken);

    /// <summary>Published here, read from the local store: a cache export pushes from it.</summary>
    public async Task<IReadOnlyList<ResultManifest>> PublishResultsAsync(IReadOnlyList<CacheResult> results, ImageExportOptions layers, CachePushTarget? push, CancellationToken cancellationToken)
    {
        var publisher = layers == ResultPublisher.DefaultTransferOptions
            ? engine.Node.Publisher
            : new ResultPublisher(engine.Snapshotter.Snapshotter, content, engine.Executor.Layers, layers);
        var lineages = new ResultManifest[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var descriptor = await publisher.PublishAsync(results[i].SnapshotId, cancellationToken);
            lineages[i] = ResultManifest.Parse(await content.ReadAllBytesAsync(descriptor, cancellationToken));
        }
        return lineages;
    }

    public async Task<Stream> OpenBlobAsync(Descriptor blob, string location, CancellationToken cancellationToken) =>
        new ContentReaderStream(await content.OpenAsync(blob, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _served)
            engine.Executor.LocalSources.Unregister(name);
        await engine.DisposeAsync();
    }
}
