using Img.Messages.Hosting;
using Akka.Configuration;
using Img.Coordinator.Hosting;

namespace Img.Actors.Tests.Fakes;

/// <summary>TestKit configuration: img's serializer binding, in-memory journal, no snapshots.</summary>
internal static class TestConfig
{
    /// <summary>
    /// TestKit's default expectations (3 s) fail on a loaded 2-core machine: <c>akka.test.timefactor</c>
    /// stretches every default wait and every <c>Dilated</c> one. <c>IMG_TEST_TIMEFACTOR</c> overrides the 3.
    /// </summary>
    public static Config TimeFactor { get; } = ConfigurationFactory.ParseString(
        $"akka.test.timefactor = {(double.TryParse(Environment.GetEnvironmentVariable("IMG_TEST_TIMEFACTOR"), System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor >= 1 ? factor : 3).ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>Serialization only (the message specs).</summary>
    public static Config Serialization { get; } =
        TimeFactor.WithFallback(ConfigurationFactory.ParseString(ImgActorSystem.ReadHocon("serialization.conf")));

    public static Config InMemory { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.no-snapshot-store"
        """).WithFallback(Serialization);
}
