using Img.Engine.Platforms;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;

namespace Img.Coordinator.Scheduling;

/// <summary>
/// Which node runs which vertex, without I/O: the rules of <see cref="SchedulerActor"/>, fed with
/// heartbeats, requests and releases, returning <see cref="DispatchAction"/>s.
/// <para>
/// Nodes advertise slots in heartbeats; a vertex goes to a free slot only (what waits, waits here,
/// so builds can take turns: the queue of each build is served round-robin). Among nodes with a
/// free slot the vertex goes to the one that holds most of its inputs (the first input, the base a
/// step writes on, counts double: it is usually the biggest), then to the least loaded, so a stage
/// stays on one node and nothing is copied that need not be. One key is placed once: asking
/// again for a key that is waiting or running on a live node changes nothing.
/// </para>
/// <para>
/// A node that is lost (unreachable, gone, or silent for <see cref="HeartbeatTimeout"/>) takes no
/// work; what it was running goes back to the front of the queue and runs elsewhere. An input whose
/// only holder is lost cannot be fetched: the vertex is answered with
/// <see cref="InputsLostAction"/> instead of being placed, and the build re-runs the producer.
/// </para>
/// </summary>
public sealed class SchedulerState
{
    /// <summary>A node not heard from for this long is lost.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Vertices that wait this long while no node at all can take work fail: a build never waits forever for a cluster without nodes.</summary>
    public static readonly TimeSpan NoNodeTimeout = TimeSpan.FromSeconds(60);

    private DateTimeOffset? _noNodeSince;

    private readonly Dictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<CacheKey, Placement> _placed = new();
    private readonly Dictionary<string, LinkedList<RunVertex>> _queues = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private readonly HashSet<CacheKey> _waiting = new();
    private readonly Dictionary<string, DateTimeOffset> _unrunnableSince = new(StringComparer.Ordinal);

    /// <summary>The nodes known, by name.</summary>
    public IReadOnlyCollection<NodeEntry> Nodes => _nodes.Values;

    /// <summary>Vertices waiting for a slot.</summary>
    public int Queued => _waiting.Count;

    /// <summary>Keys placed on a node and not released yet.</summary>
    public int Placed => _placed.Count;

    /// <summary>Whether results located on <paramref name="node"/> can be fetched ("" is this process: always).</summary>
    public bool IsHolderAvailable(string node) => node.Length == 0 || (_nodes.TryGetValue(node, out var n) && n.Available);

    /// <summary>Where <paramref name="key"/> runs now, or null.</summary>
    public string? NodeOf(CacheKey key) => _placed.TryGetValue(key, out var p) ? p.Node : null;

    public IReadOnlyList<SchedulerDecision> OnHeartbeat(NodeHeartbeat beat, DateTimeOffset now)
    {
        if (!_nodes.TryGetValue(beat.Node, out var node))
            _nodes[beat.Node] = node = new NodeEntry(beat.Node);
        // only a change in what the node can take may place something: most beats just refresh
        var changed = !node.Available || node.Slots != beat.Slots || node.Draining != beat.Draining;
        node.Worker = beat.Worker;
        node.BlobEndpoint = beat.BlobEndpoint;
        node.Slots = beat.Slots;
        node.Running = beat.Running;
        node.QueuedOnNode = beat.Queued;
        node.Executed = beat.Executed;
        node.Draining = beat.Draining;
        node.BlobBytes = beat.BlobBytes;
        node.SnapshotBytes = beat.SnapshotBytes;
        if (!SamePlatforms(node, beat.Platforms))
        {
            node.Platforms = beat.Platforms is null ? null : ParsePlatforms(beat.Platforms);
            node.PlatformNames = beat.Platforms;
            changed = true;
        }
        node.LastHeard = now;
        node.Available = true;
        return changed ? Dispatch() : [];
    }

    /// <summary>A vertex entity asks for <paramref name="run"/>.</summary>
    public IReadOnlyList<SchedulerDecision> OnSchedule(RunVertex run)
    {
        if (_waiting.Contains(run.Key))
            return [];
        if (_placed.TryGetValue(run.Key, out var placement) && _nodes.TryGetValue(placement.Node, out var node) && node.Available)
            return [];
        Unplace(run.Key);
        Enqueue(run, front: false);
        return Dispatch();
    }

    public IReadOnlyList<SchedulerDecision> OnSlotReleased(SlotReleased released)
    {
        if (_placed.TryGetValue(released.Key, out var placement) && placement.Node == released.Node)
            Unplace(released.Key);
        return Dispatch();
    }

    /// <summary>A node became unreachable, left, or stopped sending heartbeats: its work runs elsewhere.</summary>
    public IReadOnlyList<SchedulerDecision> OnNodeLost(string name)
    {
        if (!_nodes.TryGetValue(name, out var node) || !node.Available)
            return [];
        node.Available = false;
        foreach (var (key, placement) in _placed.Where(p => p.Value.Node == name).ToList())
        {
            Unplace(key);
            Enqueue(placement.Run, front: true);
        }
        return Dispatch();
    }

    /// <summary>Nodes silent for longer than <see cref="HeartbeatTimeout"/> are lost.</summary>
    public IReadOnlyList<SchedulerDecision> OnTick(DateTimeOffset now)
    {
        var decisions = new List<SchedulerDecision>();
        foreach (var node in _nodes.Values.Where(n => n.Available && now - n.LastHeard > HeartbeatTimeout).ToList())
            decisions.AddRange(OnNodeLost(node.Name));
        decisions.AddRange(FailUnrunnable(now));
        if (_waiting.Count == 0 || _nodes.Values.Any(n => n.Available && !n.Draining))
        {
            _noNodeSince = null;
            return decisions;
        }
        _noNodeSince ??= now;
        if (now - _noNodeSince < NoNodeTimeout)
            return decisions;
        foreach (var queue in _queues.Values)
        {
            foreach (var run in queue)
                decisions.Add(new NoNodeAction(run));
        }
        _queues.Clear();
        _turns.Clear();
        _waiting.Clear();
        _noNodeSince = null;
        return decisions;
    }

    /// <summary>
    /// Steps of a platform no working node runs (while other nodes work) fail after
    /// <see cref="NoNodeTimeout"/>: a node that can may join meanwhile.
    /// </summary>
    private List<SchedulerDecision> FailUnrunnable(DateTimeOffset now)
    {
        var decisions = new List<SchedulerDecision>();
        var working = _nodes.Values.Where(n => n.Available && !n.Draining).ToList();
        var platforms = _queues.Values.SelectMany(q => q).Select(r => r.Platform).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        foreach (var platform in platforms)
        {
            var wanted = PlatformSpec.Parse(platform);
            if (working.Count == 0 || working.Any(n => n.Runs(wanted)))
            {
                _unrunnableSince.Remove(platform);
                continue;
            }
            var since = _unrunnableSince.TryGetValue(platform, out var s) ? s : _unrunnableSince[platform] = now;
            if (now - since < NoNodeTimeout)
                continue;
            _unrunnableSince.Remove(platform);
            foreach (var (build, queue) in _queues.ToList())
            {
                foreach (var run in queue.Where(r => r.Platform == platform).ToList())
                {
                    queue.Remove(run);
                    _waiting.Remove(run.Key);
                    decisions.Add(new NoNodeAction(run, platform));
                }
                if (queue.Count == 0)
                {
                    _queues.Remove(build);
                    _turns.Remove(build);
                }
            }
        }
        return decisions;
    }

    // a platform this version cannot read is one no step of it asks for
    private static List<Engine.Oci.Platform> ParsePlatforms(IReadOnlyList<string> names)
    {
        var platforms = new List<Engine.Oci.Platform>();
        foreach (var name in names)
        {
            try
            {
                platforms.Add(PlatformSpec.Parse(name));
            }
            catch (FormatException)
            {
            }
        }
        return platforms;
    }

    private static bool SamePlatforms(NodeEntry node, IReadOnlyList<string>? advertised) =>
        node.PlatformNames is null ? advertised is null : advertised is not null && node.PlatformNames.SequenceEqual(advertised);

    private void Enqueue(RunVertex run, bool front)
    {
        if (!_queues.TryGetValue(run.Build, out var queue))
        {
            _queues[run.Build] = queue = new LinkedList<RunVertex>();
            _turns.AddLast(run.Build);
        }
        if (front) queue.AddFirst(run);
        else queue.AddLast(run);
        _waiting.Add(run.Key);
    }

    private List<SchedulerDecision> Dispatch()
    {
        var decisions = new List<SchedulerDecision>();
        // one vertex per build per round: builds take turns at free slots
        var progress = true;
        while (progress && _turns.Count > 0)
        {
            progress = false;
            for (var turn = _turns.First; turn is not null;)
            {
                var next = turn.Next;
                var queue = _queues[turn.Value];
                // the first that can go: a step whose platform has no free node lets the next ones pass
                // (a placement ends the scan, so whether any slot is free holds for all of it)
                var anyFree = _nodes.Values.Any(n => n.Available && !n.Draining && Free(n) > 0);
                for (var item = queue.First; item is not null; item = item.Next)
                {
                    var run = item.Value;
                    var lost = LostInputs(run);
                    if (lost.Count > 0)
                    {
                        queue.Remove(item);
                        _waiting.Remove(run.Key);
                        decisions.Add(new InputsLostAction(run, lost));
                        progress = true;
                        break;
                    }
                    if (Choose(run) is { } node)
                    {
                        queue.Remove(item);
                        _waiting.Remove(run.Key);
                        _placed[run.Key] = new Placement(node.Name, run);
                        node.Assigned++;
                        decisions.Add(new DispatchAction(node.Worker, node.Name, run with { InputHolders = Holders(run) }));
                        progress = true;
                        break;
                    }
                    if (run.Platform.Length == 0 || !anyFree)
                        break;
                }
                if (queue.Count == 0)
                {
                    _queues.Remove(turn.Value);
                    _turns.Remove(turn);
                }
                turn = next;
            }
        }
        return decisions;
    }

    private List<int> LostInputs(RunVertex run)
    {
        var lost = new List<int>();
        for (var i = 0; i < run.Inputs.Count; i++)
        {
            if (!IsHolderAvailable(run.Inputs[i].Location) && HoldsFilesystem(run.Inputs[i]))
                lost.Add(i);
        }
        return lost;
    }

    // a result naming no snapshot (scratch, a local context) has nothing to fetch
    private static bool HoldsFilesystem(CacheResult result) =>
        result.SnapshotId.Length > 0 && !result.SnapshotId.StartsWith("local:", StringComparison.Ordinal);

    private NodeEntry? Choose(RunVertex run)
    {
        // parsed once per placement, not once per node
        var platform = run.Platform.Length == 0 ? null : PlatformSpec.Parse(run.Platform);
        NodeEntry? best = null;
        var bestScore = -1;
        foreach (var node in _nodes.Values)
        {
            if (!node.Available || node.Draining || Free(node) <= 0 || !node.Runs(platform))
                continue;
            var score = 0;
            for (var i = 0; i < run.Inputs.Count; i++)
            {
                if (run.Inputs[i].Location == node.Name && HoldsFilesystem(run.Inputs[i]))
                    score += i == 0 ? 2 : 1;
            }
            if (best is null || score > bestScore || (score == bestScore && Busier(best, node)))
            {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    // fewer placed per slot first, then the name, so equal nodes are chosen in a stable order
    private static bool Busier(NodeEntry a, NodeEntry b)
    {
        var la = (double)a.Assigned / a.Slots;
        var lb = (double)b.Assigned / b.Slots;
        return la != lb ? la > lb : string.CompareOrdinal(a.Name, b.Name) > 0;
    }

    private void Unplace(CacheKey key)
    {
        if (_placed.Remove(key, out var placement) && _nodes.TryGetValue(placement.Node, out var node))
            node.Assigned--;
    }

    private static int Free(NodeEntry node) => node.Slots - node.Assigned;

    private IReadOnlyList<ResultHolder> Holders(RunVertex run) =>
        run.Inputs.Select(input => _nodes.TryGetValue(input.Location, out var holder)
            ? new ResultHolder(holder.Name, holder.Worker, holder.BlobEndpoint)
            : new ResultHolder(input.Location, "", "")).ToList();

    private sealed record Placement(string Node, RunVertex Run);
}
