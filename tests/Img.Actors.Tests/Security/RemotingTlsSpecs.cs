using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Img.Messages.Security;
using Xunit.Abstractions;

namespace Img.Actors.Tests.Security;

/// <summary>
/// Akka remoting with <see cref="ClusterRemoting"/>: two members of one cluster talk; an
/// outsider (another cluster's member, a TLS peer without a certificate, a plain TCP peer)
/// gets no message through. Systems use the remote provider on 127.0.0.1 with free ports.
/// </summary>
public sealed class RemotingTlsSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SystemName = "img";

    private static readonly Config BaseConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """);

    /// <summary>
    /// With TLS 1.3 a client finishes its handshake before the server checks the client's
    /// certificate; when the server then hangs up, the client notices only at its association
    /// timeout (dot-netty connection-timeout, 15 s by default), so outsiders get a short one.
    /// </summary>
    private static readonly Config OutsiderConfig = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.connection-timeout = 3s").WithFallback(BaseConfig);

    private readonly TestCluster _cluster = new();
    private readonly TestCluster _other = new();
    private readonly List<ActorSystem> _systems = [];
    private readonly ConcurrentQueue<object> _received = new();
    private ActorSystem _member = null!;
    private Address _memberAddress = null!;

    public Task InitializeAsync()
    {
        var remoting = ClusterRemoting.Secure(_cluster.Member("member-1"));
        _member = Start(remoting.CreateSetup(BaseConfig));
        _member.ActorOf(EchoActor.Props(_received), EchoActor.Name);
        _memberAddress = ((ExtendedActorSystem)_member).Provider.DefaultAddress;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TwoMembersOfOneClusterExchangeMessages()
    {
        var remoting = ClusterRemoting.Secure(_cluster.Member("member-2"));
        var clock = Stopwatch.StartNew();
        var peer = Start(remoting.CreateSetup(BaseConfig));
        var started = clock.Elapsed;
        var echo = remoting.MemberAddress(SystemName, _memberAddress.Host!, _memberAddress.Port!.Value);

        clock.Restart();
        var identity = await peer.ActorSelection(new RootActorPath(echo) / "user" / EchoActor.Name).Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(20));
        var associated = clock.Elapsed;
        var reply = await identity.Subject!.Ask<string>("hello", TimeSpan.FromSeconds(20));

        Assert.Equal("akka.ssl.tcp", _memberAddress.Protocol);
        Assert.Equal("echo:hello", reply);
        output.WriteLine($"secure actor system started in {started.TotalMilliseconds:F0} ms; first Identify over TLS answered in {associated.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task AMemberOfAnotherClusterGetsNothingThrough()
    {
        // it trusts anybody: only the member's own check can keep it out
        using var stranger = _other.Member("stranger");
        var setup = new DotNettySslSetup(stranger.Certificate, false, true, false, (_, _, _, _, _) => true);

        await AssertCannotReach(Start(ClusterRemoting.Secure(stranger).Config, setup), "akka.ssl.tcp");
    }

    [Fact]
    public async Task AMemberSendsNothingToAnOutsiderItDials()
    {
        using var stranger = _other.Member("stranger");
        var setup = new DotNettySslSetup(stranger.Certificate, false, true, false, (_, _, _, _, _) => true);
        var outsider = Start(ClusterRemoting.Secure(stranger).Config, setup);
        var strangerReceived = new ConcurrentQueue<object>();
        outsider.ActorOf(EchoActor.Props(strangerReceived), EchoActor.Name);

        await AssertNoTraffic(_member, ((ExtendedActorSystem)outsider).Provider.DefaultAddress, strangerReceived);
    }

    [Fact]
    public async Task ATlsPeerWithoutACertificateGetsNothingThrough()
    {
        using var stranger = SelfSigned();
        var setup = new DotNettySslSetup(stranger, false, requireMutualAuthentication: false, false, (_, _, _, _, _) => true);

        await AssertCannotReach(Start(ClusterRemoting.Secure(_cluster.Member("unused")).Config, setup), "akka.ssl.tcp");
    }

    [Fact]
    public async Task APlainTcpPeerGetsNothingThrough()
    {
        var insecure = ClusterRemoting.Insecure();

        await AssertCannotReach(Start(insecure.CreateSetup(OutsiderConfig)), "akka.tcp");
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate()));
        _cluster.Dispose();
        _other.Dispose();
    }

    private ActorSystem Start(Akka.Actor.Setup.ActorSystemSetup setup)
    {
        var system = ActorSystem.Create(SystemName, setup);
        _systems.Add(system);
        return system;
    }

    private ActorSystem Start(Config securityConfig, DotNettySslSetup ssl) =>
        Start(BootstrapSetup.Create().WithConfig(securityConfig.WithFallback(OutsiderConfig)).And(ssl));

    private Task AssertCannotReach(ActorSystem outsider, string protocol) =>
        AssertNoTraffic(outsider, new Address(protocol, SystemName, _memberAddress.Host, _memberAddress.Port), _received);

    /// <summary>
    /// Sends a message and an Identify from <paramref name="from"/> to the echo actor at
    /// <paramref name="to"/>. Messages that cannot be delivered (the association failed) go to
    /// dead letters, which answer Identify with no actor: that answer is the verdict, and it
    /// comes once the association has failed (the connection timeout at most). Then the echo
    /// actor must have got nothing.
    /// </summary>
    private async Task AssertNoTraffic(ActorSystem from, Address to, ConcurrentQueue<object> targetReceived)
    {
        var target = from.ActorSelection(new RootActorPath(to) / "user" / EchoActor.Name);
        var clock = Stopwatch.StartNew();

        target.Tell("let me in");
        var identity = await target.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(25));
        output.WriteLine($"refused after {clock.Elapsed.TotalMilliseconds:F0} ms");
        // anything that did get through would have reached the echo actor by now
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Null(identity.Subject);
        Assert.Empty(targetReceived);
    }

    private static X509Certificate2 SelfSigned()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=outsider", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
