using Img.Cli.Hosting;
using Img.Actors.Tests.Fakes;
using static Img.Actors.Tests.Fakes.VertexFixtures;
using Img.Coordinator.Cache;
using Img.Coordinator.Hosting;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Messages.Graphs;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;

namespace Img.Actors.Tests;

/// <summary>
/// <see cref="BuildCacheActor"/> and <see cref="BuildCacheClient"/> on a real SQLite journal:
/// records written by one process's vertex entities are listed by the next and deleted through
/// their entities.
/// </summary>
public sealed class BuildCacheActorSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory), IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "img-cache-actor-" + Guid.NewGuid().ToString("N"));

    private async Task RecordAsync(StateDirectory state, params string[] descriptions)
    {
        var graph = Graphs.Diamond();
        await using var runtime = await StandaloneRuntime.StartAsync(state, new FakeVertexExecutor(), _ => FakeChecksums.Instance, 2);
        var probe = CreateTestProbe(runtime.System);
        foreach (var description in descriptions)
        {
            var vertex = BuildGraphCodec.EncodeVertex(graph.Vertices.Single(v => v.Metadata.Description == description));
            runtime.Vertices.Tell(new SolveVertex(Key(description), vertex, [], false), probe);
            probe.FishForMessage(m => m is VertexSolved, Wait);
        }
    }

    [Fact]
    public async Task ListsTheRecordsOfEarlierProcessesAndForgetsThemThroughTheirEntities()
    {
        var state = new StateDirectory(_root).EnsureCreated();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await RecordAsync(state, "left", "right");

        await using (var cache = await BuildCacheClient.StartStandaloneAsync(state))
        {
            var records = await cache.ListAsync(CancellationToken.None);
            Assert.Equal([Key("left"), Key("right")], records.Select(r => r.Key).OrderBy(k => k.Value, StringComparer.Ordinal).ToArray());
            Assert.Equal(FakeVertexExecutor.ResultFor("left"), records.Single(r => r.Key == Key("left")).Result);
            foreach (var r in records)
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedAtUnixMs);
                Assert.InRange(at, before, DateTimeOffset.UtcNow.AddSeconds(1));
            }

            var answers = await cache.ForgetAsync([Key("left")], CancellationToken.None);
            Assert.Equal([new VertexForgotten(Key("left"), true, "")], answers);
            Assert.Equal([Key("right")], (await cache.ListAsync(CancellationToken.None)).Select(r => r.Key).ToArray());
        }

        // the next process sees the delete too
        await using (var cache = await BuildCacheClient.StartStandaloneAsync(state))
            Assert.Equal([Key("right")], (await cache.ListAsync(CancellationToken.None)).Select(r => r.Key).ToArray());
    }

    [Fact]
    public async Task AnEmptyJournalListsNothing()
    {
        var state = new StateDirectory(_root).EnsureCreated();
        await using var cache = await BuildCacheClient.StartStandaloneAsync(state);
        Assert.Empty(await cache.ListAsync(CancellationToken.None));
    }

    void IDisposable.Dispose()
    {
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
        base.Dispose();
    }
}
