using Img.Coordinator.Scheduling;
using Img.Engine.Solver;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;

namespace Img.Actors.Tests.Scheduling;

/// <summary>The scheduler's rules without actors: free slots only, locality, load, fairness, lost nodes.</summary>
public class SchedulerStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static NodeHeartbeat Beat(string node, int slots, bool draining = false) =>
        new(node, "akka://img/user/" + node, "http://" + node, slots, 0, 0, 0, draining, 0, 0);

    private static RunVertex Run(string key, string build = "b1", params CacheResult[] inputs) =>
        new(new CacheKey(key), [], inputs, null, null, build);

    private static List<DispatchAction> Dispatched(IEnumerable<SchedulerDecision> decisions) => decisions.OfType<DispatchAction>().ToList();

    [Fact]
    public void AVertexWaitsUntilANodeHasAFreeSlot()
    {
        var state = new SchedulerState();
        Assert.Empty(state.OnSchedule(Run("k1")));
        Assert.Equal(1, state.Queued);
        var placed = Dispatched(state.OnHeartbeat(Beat("n1", 1), T0));
        Assert.Equal("n1", Assert.Single(placed).Node);
        Assert.Empty(state.OnSchedule(Run("k2")));
        Assert.Equal(1, state.Queued);
        Assert.Equal("k2", Dispatched(state.OnSlotReleased(new SlotReleased("n1", new CacheKey("k1")))).Single().Run.Key.Value);
    }

    [Fact]
    public void TheNodeHoldingTheInputsIsPreferredThenTheLeastLoaded()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 2), T0);
        state.OnHeartbeat(Beat("b", 2), T0);
        var onB = Dispatched(state.OnSchedule(Run("k1", "b1", new CacheResult("snap", Location: "b")))).Single();
        Assert.Equal("b", onB.Node);
        Assert.Equal(new ResultHolder("b", "akka://img/user/b", "http://b"), onB.Run.InputHolders![0]);
        // no input anywhere: the emptier node
        Assert.Equal("a", Dispatched(state.OnSchedule(Run("k2"))).Single().Node);
    }

    [Fact]
    public void TheBaseInputWeighsMoreThanAnotherInput()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 2), T0);
        state.OnHeartbeat(Beat("b", 2), T0);
        var run = Run("k1", "b1", new CacheResult("base", Location: "b"), new CacheResult("other", Location: "a"));
        Assert.Equal("b", Dispatched(state.OnSchedule(run)).Single().Node);
    }

    [Fact]
    public void BuildsTakeTurnsAtFreeSlots()
    {
        var state = new SchedulerState();
        foreach (var k in new[] { "x1", "x2", "x3" })
            state.OnSchedule(Run(k, "x"));
        state.OnSchedule(Run("y1", "y"));
        var placed = Dispatched(state.OnHeartbeat(Beat("n1", 2), T0));
        Assert.Equal(["x1", "y1"], placed.Select(p => p.Run.Key.Value));
    }

    [Fact]
    public void AKeyIsPlacedOnceHoweverOftenItIsAskedFor()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("n1", 4), T0);
        Assert.Single(Dispatched(state.OnSchedule(Run("k1"))));
        Assert.Empty(state.OnSchedule(Run("k1")));
        Assert.Equal(1, state.Placed);
    }

    [Fact]
    public void TheWorkOfALostNodeRunsElsewhere()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 1), T0);
        Assert.Equal("a", Dispatched(state.OnSchedule(Run("k1"))).Single().Node);
        state.OnHeartbeat(Beat("b", 1), T0);
        var moved = Dispatched(state.OnNodeLost("a"));
        Assert.Equal("b", moved.Single().Node);
        Assert.False(state.IsHolderAvailable("a"));
    }

    [Fact]
    public void ASilentNodeIsLostAfterTheHeartbeatTimeout()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 1), T0);
        state.OnTick(T0 + SchedulerState.HeartbeatTimeout - TimeSpan.FromSeconds(1));
        Assert.True(state.IsHolderAvailable("a"));
        state.OnTick(T0 + SchedulerState.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        Assert.False(state.IsHolderAvailable("a"));
        state.OnHeartbeat(Beat("a", 1), T0 + TimeSpan.FromMinutes(1));
        Assert.True(state.IsHolderAvailable("a"));
    }

    [Fact]
    public void AVertexWhoseInputHolderIsGoneIsAnsweredInsteadOfPlaced()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 1), T0);
        state.OnHeartbeat(Beat("b", 1), T0);
        state.OnNodeLost("b");
        var decisions = state.OnSchedule(Run("k1", "b1", new CacheResult("ok", Location: "a"), new CacheResult("gone", Location: "b"), new CacheResult("local:context", Location: "b")));
        var lost = Assert.IsType<InputsLostAction>(Assert.Single(decisions));
        Assert.Equal([1], lost.Inputs);
        Assert.Equal(0, state.Queued);
    }

    [Fact]
    public void ADrainingNodeTakesNoWork()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 4, draining: true), T0);
        Assert.Empty(state.OnSchedule(Run("k1")));
        Assert.Single(Dispatched(state.OnHeartbeat(Beat("b", 1), T0)));
    }

    [Fact]
    public void ResultsOfThisProcessAreAlwaysAvailable() => Assert.True(new SchedulerState().IsHolderAvailable(""));

    [Fact]
    public void VerticesFailWhenNoNodeCanTakeWorkForLong()
    {
        var state = new SchedulerState();
        state.OnSchedule(Run("k1"));
        Assert.Empty(state.OnTick(T0));
        Assert.Empty(state.OnTick(T0 + SchedulerState.NoNodeTimeout - TimeSpan.FromSeconds(1)));
        var failed = state.OnTick(T0 + SchedulerState.NoNodeTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal("k1", Assert.IsType<NoNodeAction>(Assert.Single(failed)).Run.Key.Value);
        Assert.Equal(0, state.Queued);
    }

    [Fact]
    public void AQueueBehindBusyNodesWaitsAsLongAsItTakes()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("a", 1), T0);
        state.OnSchedule(Run("k1"));
        state.OnSchedule(Run("k2"));
        var later = T0 + SchedulerState.NoNodeTimeout * 3;
        state.OnHeartbeat(Beat("a", 1), later);
        Assert.Empty(state.OnTick(later));
        Assert.Equal(1, state.Queued);
    }

    private static NodeHeartbeat PlatformBeat(string node, int slots, params string[] platforms) =>
        Beat(node, slots) with { Platforms = platforms };

    private static RunVertex RunFor(string key, string platform, string build = "b1") => Run(key, build) with { Platform = platform };

    [Fact]
    public void AStepGoesToANodeThatRunsItsPlatformAndStepsOfOtherPlatformsPassIt()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(PlatformBeat("amd", 1, "linux/amd64", "linux/386"), T0);
        state.OnHeartbeat(PlatformBeat("arm", 1, "linux/arm64", "linux/arm/v7"), T0);
        Assert.Equal("arm", Dispatched(state.OnSchedule(RunFor("a1", "linux/arm64"))).Single().Node);
        // the arm node is busy: the next arm64 step waits, the amd64 step behind it in the same build does not
        Assert.Empty(state.OnSchedule(RunFor("a2", "linux/arm64")));
        Assert.Equal("amd", Dispatched(state.OnSchedule(RunFor("x1", "linux/amd64"))).Single().Node);
        // arm/v6 runs where arm/v7 does; a step without a platform goes anywhere
        Assert.Equal("a2", Dispatched(state.OnSlotReleased(new SlotReleased("arm", new CacheKey("a1")))).Single().Run.Key.Value);
        Assert.Equal("amd", Dispatched(state.OnSlotReleased(new SlotReleased("amd", new CacheKey("x1"))).Concat(state.OnSchedule(Run("any")))).Single().Node);
        state.OnSlotReleased(new SlotReleased("arm", new CacheKey("a2")));
        Assert.Equal("arm", Dispatched(state.OnSchedule(RunFor("v6", "linux/arm/v6"))).Single().Node);
    }

    [Fact]
    public void ANodeThatAdvertisesNoPlatformsRunsAnyAndOneThatLearnsAPlatformTakesItsWaitingSteps()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(Beat("old", 1), T0);
        Assert.Equal("old", Dispatched(state.OnSchedule(RunFor("r1", "linux/s390x"))).Single().Node);

        var other = new SchedulerState();
        other.OnHeartbeat(PlatformBeat("n1", 2, "linux/amd64"), T0);
        Assert.Empty(other.OnSchedule(RunFor("r2", "linux/arm64")));
        // qemu-user-static installed: the next heartbeat says so
        Assert.Equal("r2", Dispatched(other.OnHeartbeat(PlatformBeat("n1", 2, "linux/amd64", "linux/arm64"), T0 + TimeSpan.FromSeconds(1))).Single().Run.Key.Value);
    }

    [Fact]
    public void StepsOfAPlatformNoWorkingNodeRunsFailAfterTheTimeoutWhileOthersRun()
    {
        var state = new SchedulerState();
        state.OnHeartbeat(PlatformBeat("n1", 2, "linux/amd64"), T0);
        state.OnSchedule(RunFor("arm", "linux/arm64"));
        Assert.Single(Dispatched(state.OnSchedule(RunFor("amd", "linux/amd64"))));
        state.OnTick(T0);
        state.OnHeartbeat(PlatformBeat("n1", 2, "linux/amd64"), T0 + SchedulerState.NoNodeTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(state.OnTick(T0 + SchedulerState.NoNodeTimeout - TimeSpan.FromSeconds(1)));
        state.OnHeartbeat(PlatformBeat("n1", 2, "linux/amd64"), T0 + SchedulerState.NoNodeTimeout + TimeSpan.FromSeconds(1));

        var failed = state.OnTick(T0 + SchedulerState.NoNodeTimeout + TimeSpan.FromSeconds(1)).OfType<NoNodeAction>().Single();

        Assert.Equal(("arm", "linux/arm64"), (failed.Run.Key.Value, failed.Platform));
        Assert.Equal(0, state.Queued);
        Assert.Equal(1, state.Placed);
    }
}
