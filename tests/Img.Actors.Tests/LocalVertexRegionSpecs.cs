using Akka.Actor;
using Akka.Cluster.Sharding;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Vertices;

namespace Img.Actors.Tests;

/// <summary>
/// The standalone region loses no message to an entity that stops: what reaches the stopped
/// incarnation is delivered to the next one, in order.
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
            }
        }
    }

    private IActorRef Region() => Sys.ActorOf(LocalVertexRegionActor.Props(Props.Create(() => new Entity()), new Extractor()));

    [Fact]
    public void Messages_behind_a_stop_reach_the_next_incarnation_in_order()
    {
        var region = Region();
        region.Tell(new Ping("a", 0));
        var first = ExpectMsg<string>();
        region.Tell(new Die("a"));
        for (var n = 1; n <= 20; n++)
            region.Tell(new Ping("a", n));

        var answers = Enumerable.Range(1, 20).Select(_ => ExpectMsg<string>(TimeSpan.FromSeconds(5))).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"pong {n} from"), answers.Select(a => a[..a.LastIndexOf(' ')]));
        Assert.All(answers, a => Assert.NotEqual(first[first.LastIndexOf(' ')..], a[a.LastIndexOf(' ')..]));
    }

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
