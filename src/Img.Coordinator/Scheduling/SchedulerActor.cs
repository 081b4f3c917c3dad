using Akka.Actor;
using Akka.Cluster;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Scheduling.Queries;

namespace Img.Coordinator.Scheduling;

/// <summary>
/// A coordinator's scheduler (<c>/user/scheduler</c>): carries out what <see cref="SchedulerState"/>
/// decides. Nodes register and report load with <see cref="NodeHeartbeat"/>; vertex entities ask
/// with <see cref="ScheduleVertex"/>; the chosen node's worker gets the <see cref="RunVertex"/> and
/// answers the entity through the vertex region, the scheduler with <see cref="SlotReleased"/>.
/// In a cluster it also follows membership: an unreachable or removed node is lost at once (its
/// work runs elsewhere), without waiting for its heartbeats to time out. Standalone has one node,
/// the in-process worker, and the same rules.
/// </summary>
public sealed class SchedulerActor : UntypedActor, IWithTimers
{
    /// <summary>The actor's name under /user, on every coordinator (nodes address it by path).</summary>
    public const string Name = "scheduler";

    // a coordinator that starts waits this long at most for the nodes it sees to say hello
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(2);

    private readonly SchedulerState _state = new();
    private readonly NodeDirectory _directory;
    private readonly bool _cluster;
    private readonly Dictionary<Address, string> _nodesByAddress = new();
    private readonly Dictionary<string, IActorRef> _workers = new(StringComparer.Ordinal);
    // the entity that asked for each key (local to this coordinator), told when its inputs are lost
    private readonly Dictionary<Engine.Solver.CacheKey, IActorRef> _requesters = new();
    private readonly HashSet<Address> _awaited = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public SchedulerActor(NodeDirectory directory, bool cluster)
    {
        _directory = directory;
        _cluster = cluster;
    }

    public static Props Props(NodeDirectory directory, bool cluster) =>
        Akka.Actor.Props.Create(() => new SchedulerActor(directory, cluster));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, TickInterval);
        if (!_cluster)
        {
            _directory.Settle();
            return;
        }
        var cluster = Cluster.Get(Context.System);
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.MemberRemoved));
        foreach (var member in cluster.State.Members.Where(m => m.HasRole("node") && m.Status == Akka.Cluster.MemberStatus.Up))
            _awaited.Add(member.Address);
        if (_awaited.Count == 0)
            _directory.Settle();
        else
            Timers.StartSingleTimer(SettleNow.Instance, SettleNow.Instance, SettleTimeout);
    }

    protected override void PostStop()
    {
        if (_cluster)
            Cluster.Get(Context.System).Unsubscribe(Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NodeHeartbeat beat:
                // a node still in an older cluster (this coordinator restarted) keeps sending: it
                // counts once it has joined this one, else work sent to it answers nowhere
                if (_cluster && !IsUpMember(Sender.Path.Address))
                    break;
                _nodesByAddress[Sender.Path.Address] = beat.Node;
                _workers[beat.Node] = Sender;
                if (_awaited.Remove(Sender.Path.Address) && _awaited.Count == 0)
                    _directory.Settle();
                Carry(_state.OnHeartbeat(beat, DateTimeOffset.UtcNow));
                break;
            case ScheduleVertex schedule:
                _requesters[schedule.Key] = Sender;
                Carry(_state.OnSchedule(schedule.Run));
                break;
            case SlotReleased released:
                if (_state.NodeOf(released.Key) == released.Node)
                    _requesters.Remove(released.Key);
                Carry(_state.OnSlotReleased(released));
                break;
            case ClusterEvent.UnreachableMember unreachable:
                Lost(unreachable.Member.Address);
                break;
            case ClusterEvent.MemberRemoved removed:
                Lost(removed.Member.Address);
                break;
            case ClusterEvent.ReachableMember:
                break; // it counts again with its next heartbeat
            case ClusterEvent.CurrentClusterState:
                break;
            case Tick:
                Carry(_state.OnTick(DateTimeOffset.UtcNow));
                break;
            case SettleNow:
                _directory.Settle();
                break;
            case GetClusterStatus:
                Sender.Tell(Loads());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private bool IsUpMember(Address address) =>
        Cluster.Get(Context.System).State.Members.Any(m => m.Address.Equals(address) && m.Status == Akka.Cluster.MemberStatus.Up);

    private void Lost(Address address)
    {
        _awaited.Remove(address);
        if (_awaited.Count == 0)
            _directory.Settle();
        if (_nodesByAddress.TryGetValue(address, out var node))
            Carry(_state.OnNodeLost(node));
    }

    private void Carry(IReadOnlyList<SchedulerDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case DispatchAction dispatch:
                    if (_workers.TryGetValue(dispatch.Node, out var worker))
                        worker.Tell(dispatch.Run, Self);
                    else
                        Context.ActorSelection(dispatch.Worker).Tell(dispatch.Run, Self);
                    break;
                case NoNodeAction none:
                    if (_requesters.Remove(none.Run.Key, out var waiting))
                        waiting.Tell(new VertexRunFailed(none.Run.Key, none.Platform is { } platform
                            ? $"no node of the cluster runs {platform} steps (img cluster status lists each node's platforms): add a {platform} node, or install QEMU user emulation on a node (Debian: apt-get install qemu-user-static) and restart it"
                            : $"no node of the cluster could take the step for {SchedulerState.NoNodeTimeout.TotalSeconds:0} s (img cluster status lists the nodes)", 0));
                    break;
                case InputsLostAction lost:
                    if (_requesters.Remove(lost.Run.Key, out var requester))
                        requester.Tell(new VertexRunFailed(lost.Run.Key, "the results of some inputs are held by no node any more", 0, lost.Inputs));
                    break;
            }
        }
        _directory.Publish(_state.Nodes.Where(n => n.Available).Select(n => new NodeAddress(n.Name, n.Worker, n.BlobEndpoint)));
    }

    private ClusterStatusResult Loads()
    {
        var nodes = _state.Nodes.Select(n => new NodeLoad(n.Name, AddressOf(n.Name), n.Slots, n.Running, n.QueuedOnNode, n.Executed, n.Draining, n.BlobBytes, n.SnapshotBytes, n.Available, n.PlatformNames)).ToList();
        return new ClusterStatusResult("", [], nodes, -1, 0, _state.Queued);
    }

    private string AddressOf(string node) => _nodesByAddress.FirstOrDefault(p => p.Value == node).Key?.ToString() ?? "";

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed class SettleNow
    {
        public static readonly SettleNow Instance = new();
    }
}
