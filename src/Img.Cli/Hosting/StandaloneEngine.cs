using Akka.Actor;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.Worker;
using Img.Messages.Hosting;
using Img.Node.Hosting;
using Img.Node.Workers;

namespace Img.Cli.Hosting;

/// <summary>
/// The standalone build engine of one <c>img</c> process: the node's engine over the state
/// directory (<see cref="NodeEngine"/>) and the in-process actor runtime (coordinator, vertex
/// entities, node worker) that schedules it. The actor system starts in the background as soon as
/// this is created, so it overlaps with reading the Dockerfile.
/// </summary>
public sealed class StandaloneEngine : IAsyncDisposable
{
    private readonly Task<StandaloneRuntime> _runtime;
    private readonly NodeEngine _node;

    private StandaloneEngine(NodeEngine node, RegistryClients registries, Task<StandaloneRuntime> runtime)
    {
        _node = node;
        Registries = registries;
        _runtime = runtime;
    }

    public SnapshotterSelection Snapshotter => _node.Snapshotter;
    public VertexExecutor Executor => _node.Executor;
    public RegistryClients Registries { get; }

    public static StandaloneEngine Start(StateScope scope, string backend, RegistryClients registries,
        IReadOnlyDictionary<string, string> secrets, bool debug, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? sshAgents = null)
    {
        // ActorSystem creation and the journal's start are the longest chain of a cached build:
        // they go first, off this thread, and overlap with everything the caller does next.
        var system = Task.Run(() => StandaloneRuntime.CreateSystemAsync(scope.State, ActorSystemOptions(debug), cancellationToken), cancellationToken);
        NodeEngine node;
        try
        {
            node = NodeEngine.Create(scope.State, scope.Content, scope.Images, backend, registries, secrets, sshAgents);
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
        var runtime = StartActorsAsync(system, node, registries, slots);
        return new StandaloneEngine(node, registries, runtime);
    }

    private static async Task<StandaloneRuntime> StartActorsAsync(Task<ActorSystem> system, NodeEngine node, RegistryClients registries, int slots) =>
        StandaloneRuntime.Start(await system.ConfigureAwait(false), node.Executions, _ => node.Executor.Checksums, slots, node.Availability,
            new LocalNodeServices(node.Imports, new CacheSources(registries)));

    /// <summary>Recreates imported results here (the CLI's delivery of an imported image does not need it; exports of records carried forward may).</summary>
    public NodeEngine Node => _node;

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
        await _node.DisposeAsync().ConfigureAwait(false);
    }
}
