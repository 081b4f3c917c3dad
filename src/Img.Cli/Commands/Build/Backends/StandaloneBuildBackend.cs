using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Coordinator.Builds;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker.Sources;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>The cluster collapsed into this process: <see cref="StandaloneEngine"/>.</summary>
internal sealed class StandaloneBuildBackend(StandaloneEngine engine, StartupTrace trace) : IBuildBackend
{
    private readonly List<string> _served = [];

    public IImageConfigResolver ImageConfigs { get; } = new LocalImageConfigResolver(engine.Executor.Locator);

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

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _served)
            engine.Executor.LocalSources.Unregister(name);
        await engine.DisposeAsync();
    }
}
