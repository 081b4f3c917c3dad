using Akka.Actor;
using Img.Messages.Hosting;
using Img.Engine.Execution.Runc;
using Img.Engine.Registry;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.Worker;

namespace Img.Cli.Hosting;

/// <summary>
/// The standalone build engine of one <c>img</c> process: the snapshotter the backend flag picks,
/// runc, the vertex executor over the state directory's stores, and the in-process actor
/// runtime (coordinator, vertex entities, node worker) that schedules it. The actor system starts
/// in the background as soon as this is created, so it overlaps with reading the Dockerfile.
/// </summary>
public sealed class StandaloneEngine : IAsyncDisposable
{
    // Executions left running when the build ends get this long to stop and clean up (runc kill
    // retries for up to 10 s).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly Task<StandaloneRuntime> _runtime;
    private readonly DrainingVertexExecutor _executions;

    private StandaloneEngine(SnapshotterSelection snapshotter, VertexExecutor executor, DrainingVertexExecutor executions, RegistryClients registries, Task<StandaloneRuntime> runtime)
    {
        Snapshotter = snapshotter;
        Executor = executor;
        Registries = registries;
        _executions = executions;
        _runtime = runtime;
    }

    public SnapshotterSelection Snapshotter { get; }
    public VertexExecutor Executor { get; }
    public RegistryClients Registries { get; }

    public static StandaloneEngine Start(StateScope scope, string backend, RegistryClients registries,
        IReadOnlyDictionary<string, string> secrets, bool debug, CancellationToken cancellationToken)
    {
        // ActorSystem creation and the journal's start are the longest chain of a cached build:
        // they go first, off this thread, and overlap with everything the caller does next.
        var system = Task.Run(() => StandaloneRuntime.CreateSystemAsync(scope.State, ActorSystemOptions(debug), cancellationToken), cancellationToken);
        SnapshotterSelection snapshotter;
        VertexExecutor executor;
        try
        {
            snapshotter = SnapshotterFactory.Create(backend, scope.State.SnapshotsRoot);
            executor = new VertexExecutor(new VertexExecutorOptions
            {
                State = scope.State,
                Snapshotter = snapshotter.Snapshotter,
                Content = scope.Content,
                Images = scope.Images,
                Executor = new RuncExecutor(new RuncExecutorOptions(Path.Join(scope.State.Root, "runc"))),
                Registries = registries,
                Secrets = secrets,
            });
        }
        catch
        {
            _ = system.ContinueWith(t => t.Result.Terminate(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        // RUN steps spend most of their time waiting (sleep, I/O, network), so independent stages
        // get more slots than cores, as BuildKit runs them unbounded (bench: 4 distinct stages
        // 6.1 s with 2 slots, 4.1 s with 8).
        var slots = Math.Max(8, Environment.ProcessorCount);
        var executions = new DrainingVertexExecutor(executor);
        var runtime = StartActorsAsync(system, executions, executor, slots, new SnapshotAvailability(snapshotter.Snapshotter));
        return new StandaloneEngine(snapshotter, executor, executions, registries, runtime);
    }

    private static async Task<StandaloneRuntime> StartActorsAsync(Task<ActorSystem> system, DrainingVertexExecutor executions, VertexExecutor executor, int slots, IResultAvailability availability) =>
        StandaloneRuntime.Start(await system.ConfigureAwait(false), executions, _ => executor.Checksums, slots, availability);

    public Task<StandaloneRuntime> RuntimeAsync() => _runtime;

    /// <summary>
    /// Build failures reach the user as messages; Akka's own log lines (for example a journal
    /// still starting when a build ends early on a Dockerfile error) are noise for a CLI and
    /// are shown only with <c>--debug</c>.
    /// </summary>
    private static ImgActorSystemOptions ActorSystemOptions(bool debug) => new()
    {
        ExtraHocon = debug ? "akka.loglevel = WARNING" : "akka.loglevel = OFF\nakka.stdout-loglevel = OFF",
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            var runtime = await _runtime.ConfigureAwait(false);
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception) when (_runtime.IsFaulted || _runtime.IsCanceled)
        {
            // Start-up failed; the error was reported where the runtime was awaited.
        }
        // The actors are gone, so nothing new starts: stop what still runs and let it clean up.
        await _executions.StopAsync(DrainTimeout).ConfigureAwait(false);
        _executions.Dispose();
        Snapshotter.Snapshotter.Dispose();
    }
}
