using Img.Messages.Scheduling.Commands;
using Img.Messages.Hosting;
using Img.Cli.Hosting;
using Akka.Actor;
using Akka.Configuration;
using Img.Actors.Tests.Fakes;
using static Img.Actors.Tests.Fakes.VertexFixtures;
using Img.Coordinator.Hosting;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

/// <summary>
/// When a vertex entity's cache record is written relative to its answer: the builds are answered
/// first, the write follows, flushes and shutdown wait for it, and a failed write costs a cache
/// miss. The journal here holds every write until the spec opens its gate.
/// </summary>
public sealed class VertexRecordSpecs : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private TimeSpan Patience => Dilated(TimeSpan.FromSeconds(10));
    private readonly JournalGate _gate;
    private readonly List<string> _temporary = [];

    public VertexRecordSpecs()
        : this(JournalGate.Closed())
    {
    }

    private VertexRecordSpecs(JournalGate gate)
        : base(ConfigurationFactory.ParseString(GatedJournal.Hocon(gate)).WithFallback(TestConfig.InMemory))
    {
        _gate = gate;
    }

    /// <summary>Runs <paramref name="key"/> once through the worker probe; returns the entity.</summary>
    private IActorRef Complete(IActorRef region, Akka.TestKit.TestProbe worker, CacheKey key, string snapshot)
    {
        region.Tell(new SolveVertex(key, Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        var entity = worker.LastSender;
        worker.Reply(new VertexRunCompleted(key, new CacheResult(snapshot), 7));
        return entity;
    }

    private void AwaitWaitingWrites(int count) => AwaitCondition(() => _gate.Waiting == count, Patience);

    [Fact]
    public void TheBuildsAreAnsweredBeforeTheRecordIsWritten()
    {
        var (region, worker) = this.LocalRegion();
        var other = CreateTestProbe();
        region.Tell(new SolveVertex(Key("a"), Left, [], false));
        region.Tell(new SolveVertex(Key("a"), Left, [], false), other);
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(Key("a"), new CacheResult("snap-a"), 7));

        var solved = ExpectMsg<VertexSolved>(Patience);
        Assert.Equal(new VertexSolved(Key("a"), new CacheResult("snap-a"), false, 7), solved);
        Assert.Equal(solved, other.ExpectMsg<VertexSolved>(Patience));
        AwaitWaitingWrites(1);
        Assert.Empty(_gate.Stored("vertex-" + Key("a").Value));
    }

    [Fact]
    public void UntilTheRecordIsWrittenTheResultIsAnsweredFromMemoryAndNothingRunsAgain()
    {
        var (region, worker) = this.LocalRegion();
        Complete(region, worker, Key("b"), "snap-b");
        ExpectMsg<VertexSolved>(Patience);
        AwaitWaitingWrites(1);

        region.Tell(new SolveVertex(Key("b"), Left, [], false));
        Assert.Equal(new VertexSolved(Key("b"), new CacheResult("snap-b"), true, 0), ExpectMsg<VertexSolved>(Patience));
        region.Tell(new LookupVertex(Key("b")));
        Assert.Equal(new CacheResult("snap-b"), ExpectMsg<LookupVertexResult>(Patience).Result);
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, _gate.Waiting);
    }

    [Fact]
    public void AFlushIsAnsweredOnceTheRecordIsWritten()
    {
        var (region, worker) = this.LocalRegion();
        Complete(region, worker, Key("c"), "snap-c");
        ExpectMsg<VertexSolved>(Patience);
        AwaitWaitingWrites(1);

        region.Tell(FlushRecords.Instance);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        _gate.Open();
        ExpectMsg<RecordsFlushed>(Patience);
        var stored = Assert.Single(_gate.Stored("vertex-" + Key("c").Value));
        Assert.Equal(new VertexRecorded(Key("c"), new CacheResult("snap-c")), stored.Payload);
    }

    [Fact]
    public void AFlushWithNothingToWriteIsAnsweredAtOnce()
    {
        var (region, worker) = this.LocalRegion();
        region.Tell(FlushRecords.Instance);
        ExpectMsg<RecordsFlushed>(Patience);

        region.Tell(new SolveVertex(Key("d"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        region.Tell(FlushRecords.Instance);
        ExpectMsg<RecordsFlushed>(Patience); // a vertex still running has nothing to write yet
    }

    [Fact]
    public void AFailedWriteCostsACacheMissNeverAWrongAnswer()
    {
        var (region, worker) = this.LocalRegion();
        var entity = Complete(region, worker, Key("e"), "snap-e");
        ExpectMsg<VertexSolved>(Patience);
        AwaitWaitingWrites(1);
        Watch(entity);
        region.Tell(FlushRecords.Instance);

        _gate.Fail(new IOException("disk full"));
        ExpectTerminated(entity, Patience);
        ExpectMsg<RecordsFlushed>(Patience); // the flush ends with the entity, it does not hang

        region.Tell(new LookupVertex(Key("e")));
        Assert.Null(ExpectMsg<LookupVertexResult>(Patience).Result);
        region.Tell(new SolveVertex(Key("e"), Left, [], false));
        Assert.Equal(Key("e"), worker.ExpectMsg<ScheduleVertex>(Patience).Key);
    }

    [Fact]
    public async Task ShuttingDownWaitsForTheRecordsAndTheNextSystemSeesThem()
    {
        var state = new StateDirectory(NewTempDir()).EnsureCreated();
        var executor = new FakeVertexExecutor();
        var options = new ImgActorSystemOptions { ExtraHocon = GatedJournal.Hocon(_gate) };

        var first = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2, options);
        var probe = CreateTestProbe(first.System);
        first.Vertices.Tell(new SolveVertex(Key("f"), Left, [], false), probe);
        probe.ExpectMsg<VertexExecutionStarted>(Patience);
        Assert.False(probe.ExpectMsg<VertexSolved>(Patience).Cached);
        AwaitWaitingWrites(1);

        var shutdown = first.DisposeAsync().AsTask();
        // a negative check: give the shutdown time it would need to finish wrongly
        await Task.Delay(Dilated(TimeSpan.FromMilliseconds(500)));
        Assert.False(shutdown.IsCompleted, "the actor system stopped with a cache record still unwritten");
        _gate.Open();
        await shutdown.WaitAsync(Patience);

        await using var second = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2, options);
        var again = CreateTestProbe(second.System);
        second.Vertices.Tell(new SolveVertex(Key("f"), Left, [], false), again);
        Assert.True(again.ExpectMsg<VertexSolved>(Patience).Cached);
        Assert.Equal(1, executor.Calls);
    }

    private string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "img-actors-" + Guid.NewGuid().ToString("N"));
        _temporary.Add(dir);
        return dir;
    }

    void IDisposable.Dispose()
    {
        _gate.Open(); // nothing may stay blocked in the journal when the TestKit system shuts down
        foreach (var dir in _temporary)
        {
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }
        base.Dispose();
    }
}
