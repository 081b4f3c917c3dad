using Img.Cli.Hosting;
using Akka.Actor;
using Img.Actors.Tests.Fakes;
using static Img.Actors.Tests.Fakes.VertexFixtures;
using Img.Coordinator.Hosting;
using Img.Coordinator.Vertices;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Scheduling.Commands;
using Img.Messages.Graphs;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

public sealed class VertexEntityActorSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory), IDisposable
{
    private readonly List<string> _temporary = [];

    [Fact]
    public void ConcurrentRequestsForOneKeyRunItOnce()
    {
        var (region, worker) = this.LocalRegion();
        var buildA = CreateTestProbe();
        var buildB = CreateTestProbe();
        region.Tell(new SolveVertex(Key("a1"), Left, [], false), buildA);
        region.Tell(new SolveVertex(Key("a1"), Left, [], false), buildB);

        var run = worker.ExpectMsg<ScheduleVertex>();
        var entity = worker.LastSender;
        Assert.Equal(Key("a1"), run.Key);
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        entity.Tell(new VertexExecutionStarted(Key("a1"), "n1"), worker);
        buildA.ExpectMsg<VertexExecutionStarted>();
        buildB.ExpectMsg<VertexExecutionStarted>();
        entity.Tell(new VertexRunCompleted(Key("a1"), new CacheResult("snap-a1"), 12), worker);
        foreach (var build in new[] { buildA, buildB })
        {
            var solved = build.ExpectMsg<VertexSolved>();
            Assert.Equal(new CacheResult("snap-a1"), solved.Result);
            Assert.False(solved.Cached);
            Assert.Equal(12, solved.DurationMs);
        }
    }

    [Fact]
    public void ARecordedResultAnswersLaterRequestsWithoutRunning()
    {
        var (region, worker) = this.LocalRegion();
        region.Tell(new LookupVertex(Key("b1")));
        Assert.Null(ExpectMsg<LookupVertexResult>().Result);
        region.Tell(new SolveVertex(Key("b1"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(Key("b1"), new CacheResult("snap-b1"), 5));
        ExpectMsg<VertexSolved>();

        region.Tell(new SolveVertex(Key("b1"), Left, [], false));
        var again = ExpectMsg<VertexSolved>();
        Assert.True(again.Cached);
        Assert.Equal(new CacheResult("snap-b1"), again.Result);
        region.Tell(new LookupVertex(Key("b1")));
        Assert.Equal(new CacheResult("snap-b1"), ExpectMsg<LookupVertexResult>().Result);
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void NoCacheRerunsButStoresTheNewResult()
    {
        var (region, worker) = this.LocalRegion();
        region.Tell(new SolveVertex(Key("c1"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(Key("c1"), new CacheResult("old"), 1));
        ExpectMsg<VertexSolved>();

        region.Tell(new SolveVertex(Key("c1"), Left, [], true));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunCompleted(Key("c1"), new CacheResult("new"), 1));
        var solved = ExpectMsg<VertexSolved>();
        Assert.False(solved.Cached);
        Assert.Equal(new CacheResult("new"), solved.Result);

        region.Tell(new LookupVertex(Key("c1")));
        Assert.Equal(new CacheResult("new"), ExpectMsg<LookupVertexResult>().Result);
    }

    [Fact]
    public void FailuresAreReportedAndNotRecorded()
    {
        var (region, worker) = this.LocalRegion();
        region.Tell(new SolveVertex(Key("d1"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexRunFailed(Key("d1"), "exit code 1", 3));
        Assert.Equal(new VertexSolveFailed(Key("d1"), "exit code 1", 3), ExpectMsg<VertexSolveFailed>());
        region.Tell(new LookupVertex(Key("d1")));
        Assert.Null(ExpectMsg<LookupVertexResult>().Result);
        region.Tell(new SolveVertex(Key("d1"), Left, [], false));
        worker.ExpectMsg<ScheduleVertex>();
    }

    [Fact]
    public void OutputGoesToEveryWaitingBuild()
    {
        var (region, worker) = this.LocalRegion();
        var other = CreateTestProbe();
        region.Tell(new SolveVertex(Key("e1"), Left, [], false));
        region.Tell(new SolveVertex(Key("e1"), Left, [], false), other);
        worker.ExpectMsg<ScheduleVertex>();
        worker.Reply(new VertexOutput(Key("e1"), VertexLogStream.Stderr, "warning: x"));
        Assert.Equal("warning: x", ExpectMsg<VertexOutput>().Line);
        Assert.Equal("warning: x", other.ExpectMsg<VertexOutput>().Line);
    }

    [Fact]
    public async Task ARecordedResultSurvivesARestartOnTheSameSqliteFile()
    {
        var state = new StateDirectory(NewTempDir()).EnsureCreated();
        var executor = new FakeVertexExecutor();

        await using (var first = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2))
        {
            var probe = CreateTestProbe(first.System);
            first.Vertices.Tell(new SolveVertex(Key("f1"), Left, [], false), probe);
            probe.ExpectMsg<VertexExecutionStarted>(TimeSpan.FromSeconds(20));
            Assert.Equal(FakeVertexExecutor.ResultFor("left"), probe.ExpectMsg<VertexSolved>(TimeSpan.FromSeconds(20)).Result);
        }
        Assert.True(File.Exists(CachePersistence.DatabasePath(state)));
        Assert.Equal(1, executor.Calls);

        await using (var second = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2))
        {
            var probe = CreateTestProbe(second.System);
            second.Vertices.Tell(new LookupVertex(Key("f1")), probe);
            Assert.Equal(FakeVertexExecutor.ResultFor("left"), probe.ExpectMsg<LookupVertexResult>(TimeSpan.FromSeconds(20)).Result);
            second.Vertices.Tell(new SolveVertex(Key("f1"), Left, [], false), probe);
            Assert.True(probe.ExpectMsg<VertexSolved>(TimeSpan.FromSeconds(20)).Cached);
        }
        Assert.Equal(1, executor.Calls);
    }

    [Fact]
    public async Task EveryRecordAnsweredBeforeShutdownIsInTheNextSystemsSqliteCache()
    {
        // Answers go out before the writes: the last ones are still in flight when the build ends.
        var state = new StateDirectory(NewTempDir()).EnsureCreated();
        var executor = new FakeVertexExecutor();
        var keys = Enumerable.Range(0, 30).Select(i => Key("g" + i)).ToList();

        await using (var first = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2))
        {
            var probe = CreateTestProbe(first.System);
            foreach (var key in keys)
            {
                first.Vertices.Tell(new SolveVertex(key, Left, [], false), probe);
                probe.FishForMessage(m => m is VertexSolved, TimeSpan.FromSeconds(20));
            }
        }

        await using var second = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 2);
        var lookups = CreateTestProbe(second.System);
        foreach (var key in keys)
        {
            second.Vertices.Tell(new LookupVertex(key), lookups);
            Assert.Equal(FakeVertexExecutor.ResultFor("left"), lookups.ExpectMsg<LookupVertexResult>(TimeSpan.FromSeconds(20)).Result);
        }
        Assert.Equal(keys.Count, executor.Calls);
    }

    private string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "img-actors-" + Guid.NewGuid().ToString("N"));
        _temporary.Add(dir);
        return dir;
    }

    void IDisposable.Dispose()
    {
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
