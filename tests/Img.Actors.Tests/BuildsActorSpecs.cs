using Img.Cli.Hosting;
using Akka.Actor;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Builds;
using Img.Coordinator.Hosting;
using Img.Engine.State;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;

namespace Img.Actors.Tests;

/// <summary>The builds entry actor, end to end in a standalone runtime on a real SQLite cache.</summary>
public sealed class BuildsActorSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory), IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "img-builds-" + Guid.NewGuid().ToString("N"));

    private static StartBuild Start(bool ignoreCache = false) =>
        new(BuildId.New(), BuildGraphCodec.Encode(Graphs.Diamond(ignoreCache)), "/context");

    private static async Task<(IBuildEvent Outcome, List<IBuildEvent> Progress)> Run(StandaloneRuntime runtime, StartBuild start)
    {
        var progress = new List<IBuildEvent>();
        var outcome = await BuildClient.RunAsync(runtime.System, runtime.Builds, start, progress.Add, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        return (outcome, progress);
    }

    [Fact]
    public async Task BuildsThenRebuildsFromTheCacheAcrossRestarts()
    {
        var state = new StateDirectory(_root).EnsureCreated();
        var executor = new FakeVertexExecutor();
        executor.Hold("left");
        executor.Hold("right");
        await using (var runtime = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 4))
        {
            var build = Run(runtime, Start());
            await AwaitConditionAsync(() => Task.FromResult(executor.Started.Contains("left") && executor.Started.Contains("right")), TimeSpan.FromSeconds(20));
            executor.Release("left");
            executor.Release("right");
            var (outcome, progress) = await build;
            Assert.IsType<BuildCompleted>(outcome);
            Assert.Equal(5, progress.OfType<VertexCompleted>().Count());
            Assert.Equal(5, executor.Calls);
            Assert.True(executor.MaxConcurrent >= 2);

            var (again, againProgress) = await Run(runtime, Start());
            Assert.Equal(((BuildCompleted)outcome).Target, Assert.IsType<BuildCompleted>(again).Target);
            var cached = againProgress.OfType<VertexCached>().Select(c => c.Description).ToArray();
            Assert.Equal(["export", "image", "left", "merge", "right"], cached.Order(StringComparer.Ordinal));
            Assert.Equal(("image", "export"), (cached[0], cached[^1]));
            Assert.Empty(againProgress.OfType<VertexStarted>());
        }

        await using (var restarted = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 4))
        {
            var (outcome, _) = await Run(restarted, Start());
            Assert.IsType<BuildCompleted>(outcome);
            Assert.Equal(5, executor.Calls);

            var (noCache, progress) = await Run(restarted, Start(ignoreCache: true));
            Assert.IsType<BuildCompleted>(noCache);
            Assert.Equal(10, executor.Calls);
            Assert.Empty(progress.OfType<VertexCached>());
        }
    }

    [Fact]
    public async Task AFailedVertexFailsTheBuild()
    {
        var state = new StateDirectory(_root).EnsureCreated();
        var executor = new FakeVertexExecutor();
        executor.Fail("right", "exit code 3");
        await using var runtime = await StandaloneRuntime.StartAsync(state, executor, _ => FakeChecksums.Instance, 1);
        var (outcome, progress) = await Run(runtime, Start());
        Assert.Equal("exit code 3", Assert.IsType<BuildFailed>(outcome).Error);
        Assert.Equal("right", Assert.Single(progress.OfType<VertexFailed>()).Description);
        Assert.DoesNotContain("merge", executor.Started);
        Assert.DoesNotContain("export", executor.Started);
    }

    [Fact]
    public void AnInvalidGraphIsRefused()
    {
        var builds = Sys.ActorOf(BuildsActor.Props(CreateTestProbe(), _ => FakeChecksums.Instance));
        builds.Tell(new StartBuild(new BuildId("bad"), [1, 2, 3], "/"));
        Assert.StartsWith("invalid build graph", ExpectMsg<BuildFailed>().Error);
    }

    void IDisposable.Dispose()
    {
        try
        {
            Directory.Delete(_root, true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        base.Dispose();
    }
}
