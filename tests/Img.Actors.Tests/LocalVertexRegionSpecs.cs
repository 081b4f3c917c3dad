using Akka.Actor;
using Akka.Cluster.Sharding;
using Img.Messages.Vertices;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Vertices;

namespace Img.Actors.Tests;

/// <summary>
/// The standalone region loses no message to an entity that stops: what reaches the stopped
/// incarnation is delivered to the next one.
/// </summary>
public sealed class LocalVertexRegionSpecs() : Akka.TestKit.Xunit2.TestKit(TestConfig.InMemory)
{
    private sealed record Ping(string Id, int N);
    private sealed record Die(string Id);

    private sealed class Extractor : HashCodeMessageExtractor
    {
        public Extractor() : base(10)
        {
        }

        public override string? EntityId(object message) => message switch
        {
            Ping p => p.Id,
            Die d => d.Id,
            _ => null,
        };
    }

    /// <summary>Answers pings with its incarnation; stops on <see cref="Die"/> as a failed write stops a vertex entity.</summary>
    private sealed class Entity : UntypedActor
    {
        private static int _incarnations;
        private readonly int _incarnation = Interlocked.Increment(ref _incarnations);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Ping p:
                    Sender.Tell($"pong {p.N} from {_incarnation}");
                    break;
                case Die:
                    Context.Stop(Self);
                    break;
                case FlushRecords:
                    Sender.Tell(RecordsFlushed.Instance);
                    break;
            }
        }
    }

    private IActorRef Region() => Sys.ActorOf(LocalVertexRegionActor.Props(Props.Create(() => new Entity()), new Extractor()));

    [Fact]
    public void Messages_behind_a_stop_reach_the_next_incarnation()
    {
        var region = Region();
        region.Tell(new Ping("a", 0));
        var first = ExpectMsg<string>();
        region.Tell(new Die("a"));
        for (var n = 1; n <= 20; n++)
            region.Tell(new Ping("a", n));

        // every one answered, by a new incarnation (dead letters of the stopped mailbox and of
        // messages sent after the stop come back by two paths, so their order is not kept)
        var answers = Enumerable.Range(1, 20).Select(_ => ExpectMsg<string>(Dilated(TimeSpan.FromSeconds(5)))).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"pong {n} from"), answers.Select(a => a[..a.LastIndexOf(' ')]).Order(Comparer<string>.Create((x, y) => Number(x).CompareTo(Number(y)))));
        Assert.All(answers, a => Assert.NotEqual(first[first.LastIndexOf(' ')..], a[a.LastIndexOf(' ')..]));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Stops as soon as it starts, as a persistent entity does when its recovery fails.</summary>
    private sealed class Doomed : UntypedActor
    {
        protected override void PreStart() => Context.Stop(Self);

        protected override void OnReceive(object message) => Unhandled(message);
    }

    [Fact]
    public void An_entity_that_always_stops_gets_its_requests_answered_as_failed_not_lost()
    {
        var region = Sys.ActorOf(LocalVertexRegionActor.Props(Props.Create(() => new Doomed()), new VertexMessageExtractor()));
        var key = new Img.Engine.Solver.CacheKey("sha256:" + new string('1', 64));

        region.Tell(new Img.Messages.Vertices.Commands.SolveVertex(key, [], [], false));
        var failed = ExpectMsg<Img.Messages.Vertices.Events.VertexSolveFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(key, failed.Key);
        Assert.Contains("keeps stopping", failed.Error);

        region.Tell(new Img.Messages.Vertices.Queries.LookupVertex(key));
        Assert.Null(ExpectMsg<Img.Messages.Vertices.Queries.LookupVertexResult>(TimeSpan.FromSeconds(10)).Result);
    }

    private static int Number(string pong) => int.Parse(pong.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Other_entities_are_not_disturbed()
    {
        var region = Region();
        region.Tell(new Die("c"));
        region.Tell(new Ping("d", 1));
        Assert.StartsWith("pong 1 from", ExpectMsg<string>());
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
