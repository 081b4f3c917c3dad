using System.Collections.Immutable;
using Img.Engine.Solver;

namespace Img.Coordinator.Scheduling;

/// <summary>
/// Which nodes hold fetchable results, as this coordinator's scheduler last saw them: written by
/// <see cref="SchedulerActor"/>, read by builds (a cache hit located on a node that is gone is a
/// miss: the vertex runs again). <see cref="WhenSettled"/> completes once the scheduler has heard
/// from every node member it knew of at start (or gave up waiting), so a coordinator that just
/// (re)started does not take every hit for stale before its nodes have said hello.
/// </summary>
public sealed class NodeDirectory : IResultAvailability
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ImmutableDictionary<string, NodeAddress> _available = ImmutableDictionary<string, NodeAddress>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>A directory for one process (standalone): results are local, and nothing needs waiting for.</summary>
    public static NodeDirectory Local()
    {
        var directory = new NodeDirectory();
        directory.Settle();
        return directory;
    }

    public Task WhenSettled => _settled.Task;

    public bool IsAvailable(CacheResult result) => result.Location.Length == 0 || _available.ContainsKey(result.Location);

    public bool IsAvailable(string node) => _available.ContainsKey(node);

    /// <summary>Where a live node's worker and blob server are, or null.</summary>
    public NodeAddress? Find(string node) => _available.GetValueOrDefault(node);

    /// <summary>The live nodes.</summary>
    public IReadOnlyCollection<NodeAddress> Available => _available.Values.ToList();

    internal void Publish(IEnumerable<NodeAddress> available) =>
        _available = available.ToImmutableDictionary(n => n.Node, StringComparer.Ordinal);

    internal void Settle() => _settled.TrySetResult();
}
