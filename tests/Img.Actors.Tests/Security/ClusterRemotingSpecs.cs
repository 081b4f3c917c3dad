using Akka.Configuration;
using Img.Messages.Security;

namespace Img.Actors.Tests.Security;

/// <summary>Addresses and settings of <see cref="ClusterRemoting"/>, without starting actor systems.</summary>
public sealed class ClusterRemotingSpecs : IDisposable
{
    private readonly TestCluster _cluster = new();

    private ClusterRemoting Secure() => ClusterRemoting.Secure(_cluster.Member("member-1"));

    [Theory]
    [InlineData("10.0.0.5:4053", "akka.ssl.tcp://img@10.0.0.5:4053")]
    [InlineData("coordinator.example:4053", "akka.ssl.tcp://img@coordinator.example:4053")]
    [InlineData("akka.ssl.tcp://img@10.0.0.5:4053", "akka.ssl.tcp://img@10.0.0.5:4053")]
    [InlineData("[fd00::5]:4053", "akka.ssl.tcp://img@[fd00::5]:4053")]
    [InlineData("akka.ssl.tcp://img@[fd00::5]:4053", "akka.ssl.tcp://img@[fd00::5]:4053")]
    public void SecureSeedsGetTheTlsScheme(string seed, string address)
    {
        Assert.Equal(address, Secure().SeedAddress("img", seed));
    }

    [Theory]
    [InlineData("127.0.0.1:4053", "akka.tcp://img@127.0.0.1:4053")]
    [InlineData("localhost:4053", "akka.tcp://img@localhost:4053")]
    [InlineData("akka.tcp://img@127.0.0.1:4053", "akka.tcp://img@127.0.0.1:4053")]
    [InlineData("[::1]:4053", "akka.tcp://img@[::1]:4053")]
    public void InsecureSeedsGetThePlainScheme(string seed, string address)
    {
        Assert.Equal(address, ClusterRemoting.Insecure().SeedAddress("img", seed));
    }

    [Fact]
    public void ASeedWithTheOtherSchemeIsRefusedInsteadOfRetriedForever()
    {
        var secure = Assert.Throws<ClusterSecurityException>(() => Secure().SeedAddress("img", "akka.tcp://img@10.0.0.5:4053"));
        var insecure = Assert.Throws<ClusterSecurityException>(() => ClusterRemoting.Insecure().SeedAddress("img", "akka.ssl.tcp://img@127.0.0.1:4053"));

        Assert.Equal("seed akka.tcp://img@10.0.0.5:4053 uses akka.tcp, but this member runs TLS, whose addresses are akka.ssl.tcp://: give the seed as host:port", secure.Message);
        Assert.Equal("seed akka.ssl.tcp://img@127.0.0.1:4053 uses akka.ssl.tcp, but this member runs without TLS (--insecure), whose addresses are akka.tcp://: give the seed as host:port", insecure.Message);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("0.0.0.0")]
    [InlineData("coordinator.example")]
    public void InsecureRemotingRefusesAddressesOtherThanLoopback(string host)
    {
        var insecure = ClusterRemoting.Insecure();

        var bind = Assert.Throws<ClusterSecurityException>(() => insecure.CheckHost(host));
        Assert.Throws<ClusterSecurityException>(() => insecure.SeedAddress("img", host + ":4053"));

        Assert.Equal($"--insecure works only on loopback addresses, and remoting address {host} is not one: without --insecure, members and clients authenticate with a cluster token", bind.Message);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("localhost")]
    public void LoopbackAddressesAreLoopback(string host)
    {
        Assert.True(InsecureMode.IsLoopback(host));
        ClusterRemoting.Insecure().CheckHost(host);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("nope")]
    [InlineData("4053")]
    [InlineData("[::1]")]
    [InlineData("::1:4053")]
    [InlineData("akka.ssl.tcp://other@10.0.0.5:4053")]
    public void MalformedSeedsAreRefused(string seed)
    {
        Assert.Throws<ClusterSecurityException>(() => Secure().SeedAddress("img", seed));
    }

    [Fact]
    public void OtherConfigurationCannotTurnTlsOff()
    {
        var remoting = Secure();
        var loose = ConfigurationFactory.ParseString("""
            akka.remote.dot-netty.tcp.enable-ssl = false
            akka.remote.dot-netty.tcp.ssl.require-mutual-authentication = false
            """);

        var config = remoting.CreateSetup(loose).Get<Akka.Actor.BootstrapSetup>().Value.Config.Value;

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
        Assert.True(remoting.CreateSetup(loose).Get<Akka.Remote.Transport.DotNetty.DotNettySslSetup>().HasValue);
        Assert.False(ClusterRemoting.Insecure().CreateSetup(loose).Get<Akka.Remote.Transport.DotNetty.DotNettySslSetup>().HasValue);
    }

    public void Dispose() => _cluster.Dispose();
}
