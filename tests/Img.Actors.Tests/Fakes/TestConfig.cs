using Img.Messages.Hosting;
using Akka.Configuration;
using Img.Coordinator.Hosting;

namespace Img.Actors.Tests.Fakes;

/// <summary>TestKit configuration: img's serializer binding, in-memory journal, no snapshots.</summary>
internal static class TestConfig
{
    public static Config InMemory { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
        """).WithFallback(ConfigurationFactory.ParseString(ImgActorSystem.ReadHocon("serialization.conf")));
}
