using Img.Engine.BuildCache;
using Img.Engine.Content;
using Img.Engine.Execution.Runc;
using Img.Engine.Images;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Engine.Transfer;
using Img.Engine.Worker;

namespace Img.Node.Hosting;

/// <summary>
/// What executes vertices on a node, standalone or in a cluster: the snapshotter the backend
/// setting picks, runc, and the <see cref="VertexExecutor"/> over the state directory's stores.
/// Executions are tracked (<see cref="Executions"/>) so disposing stops the ones still running
/// and waits for their cleanup (containers killed, mounts undone) before the process ends.
/// </summary>
public sealed class NodeEngine : IAsyncDisposable
{
    // Executions left running get this long to stop and clean up (runc kill retries for up to 10 s).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private NodeEngine(SnapshotterSelection snapshotter, VertexExecutor executor, IContentStore content, string scratch, BuildCacheUsage usage)
    {
        Usage = usage;
        Snapshotter = snapshotter;
        Executor = executor;
        Executions = new DrainingVertexExecutor(executor);
        Availability = new UsageRecordingAvailability(new SnapshotAvailability(snapshotter.Snapshotter), usage);
        Publisher = new ResultPublisher(snapshotter.Snapshotter, content, executor.Layers);
        Fetcher = new ResultFetcher(snapshotter.Snapshotter, content, executor.Layers, scratch);
        Imports = new ImportedResultFetcher(content, Fetcher);
    }

    /// <summary>Makes this node's results fetchable (layer blobs + result manifests).</summary>
    public ResultPublisher Publisher { get; }

    /// <summary>Recreates results of other nodes here.</summary>
    public ResultFetcher Fetcher { get; }

    /// <summary>Recreates results imported from a cache (<c>--cache-from</c>) here.</summary>
    public ImportedResultFetcher Imports { get; }

    /// <summary>Where temporary mount points of fetches go.</summary>
    public static string ScratchOf(StateDirectory state) => Path.Join(state.TempRoot, "node");

    public SnapshotterSelection Snapshotter { get; }

    /// <summary>The engine's executor (its local sources, base image locator, layer cache).</summary>
    public VertexExecutor Executor { get; }

    /// <summary>The executor actors call: every execution is tracked for <see cref="DisposeAsync"/>.</summary>
    public DrainingVertexExecutor Executions { get; }

    /// <summary>The cache hits of this process, written when it is disposed (gc and prune go by last use).</summary>
    public BuildCacheUsage Usage { get; }

    /// <summary>Whether a recorded result's snapshot is still here (each hit it answers for is noted in <see cref="Usage"/>).</summary>
    public IResultAvailability Availability { get; }

    /// <param name="backend">auto, overlayfs, native or fuse-overlayfs.</param>
    /// <param name="secrets">This process's <c>--secret</c> files (standalone; a cluster node reads secrets through the build's session).</param>
    /// <param name="sshAgents">This process's <c>--ssh</c> agents by id (standalone only).</param>
    public static NodeEngine Create(StateDirectory state, IContentStore content, IImageStore images, string backend, RegistryClients? registries,
        IReadOnlyDictionary<string, string>? secrets = null, IReadOnlyDictionary<string, string>? sshAgents = null)
    {
        var snapshotter = SnapshotterFactory.Create(backend, state.SnapshotsRoot);
        var executor = new VertexExecutor(new VertexExecutorOptions
        {
            State = state,
            Snapshotter = snapshotter.Snapshotter,
            Content = content,
            Images = images,
            Runtime = new RuncRuntime(new RuncRuntimeOptions(Path.Join(state.Root, "runc"))),
            Registries = registries,
            Secrets = secrets ?? new Dictionary<string, string>(),
            SshAgents = sshAgents ?? new Dictionary<string, string>(),
        });
        return new NodeEngine(snapshotter, executor, content, ScratchOf(state), new BuildCacheUsage(BuildCacheUsage.PathIn(state.Root)));
    }

    /// <summary>Stops what still runs (the actors are gone by then, so nothing new starts) and waits for its cleanup.</summary>
    public async ValueTask DisposeAsync()
    {
        await Executions.StopAsync(DrainTimeout).ConfigureAwait(false);
        Executions.Dispose();
        Snapshotter.Snapshotter.Dispose();
        try
        {
            Usage.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // last-use times are advice for gc; the entries' write times still count
        }
    }
}
