using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Img.Messages.Security;

/// <summary>
/// How a member's Akka remoting runs, and the only place that builds member and seed addresses,
/// because the address scheme must follow it: a TLS member is reached at
/// <c>akka.ssl.tcp://</c>, an <c>--insecure</c> one at <c>akka.tcp://</c>, and a seed with the
/// other scheme never connects (Akka retries it and floods the log). With TLS, every member
/// presents its member certificate and accepts a peer only when the cluster CA issued the peer's
/// certificate, in both directions (mutual authentication): an outsider can neither join nor send
/// a single message. Insecure remoting is refused on any address that is not loopback.
/// </summary>
/// <example>
/// <code>
/// var remoting = ClusterRemoting.Secure(MemberCredentials.Load(dir));
/// remoting.CheckHost(options.Hostname);
/// var seeds = options.SeedNodes.Select(s => remoting.SeedAddress("img", s));
/// var system = ActorSystem.Create("img", remoting.CreateSetup(config));
/// </code>
/// </example>
public sealed class ClusterRemoting
{
    /// <summary>The address scheme of TLS remoting.</summary>
    public const string SecureProtocol = "akka.ssl.tcp";

    /// <summary>The address scheme of plain remoting (<c>--insecure</c>).</summary>
    public const string InsecureProtocol = "akka.tcp";

    private readonly Setup? _ssl;

    private ClusterRemoting(Setup? ssl, Config config)
    {
        _ssl = ssl;
        Config = config;
    }

    /// <summary>True for TLS with mutual authentication.</summary>
    public bool IsSecure => _ssl is not null;

    /// <summary>The address scheme of this member and of all the members it talks to.</summary>
    public string Protocol => IsSecure ? SecureProtocol : InsecureProtocol;

    /// <summary>
    /// The HOCON this mode needs (akka.remote.dot-netty.tcp.enable-ssl and its ssl section).
    /// <see cref="CreateSetup"/> lays it over everything else, so no other file can turn TLS off.
    /// </summary>
    public Config Config { get; }

    /// <summary>TLS remoting with <paramref name="member"/>'s certificate, trusting only the cluster CA.</summary>
    public static ClusterRemoting Secure(MemberCredentials member)
    {
        var trust = member.Trust;
        CertificateValidationCallback validate = (certificate, _, peer, _, log) =>
        {
            // the platform's verdict (errors) always reports the private CA as untrusted: decide here
            var reason = trust.Check(certificate, PeerUsage.Member);
            if (reason is null)
                return true;
            log.Warning("refused remoting peer {0}: {1}", peer, reason);
            return false;
        };
        var ssl = new DotNettySslSetup(member.Certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, validate);
        return new ClusterRemoting(ssl, ConfigurationFactory.ParseString("""
            akka.remote.dot-netty.tcp {
              enable-ssl = true
              ssl {
                suppress-validation = false
                require-mutual-authentication = true
                # members dial each other by address; the cluster CA is the identity, not a name
                validate-certificate-hostname = false
              }
            }
            """));
    }

    /// <summary>Plain remoting (<c>--insecure</c>): only on loopback addresses (<see cref="CheckHost"/>).</summary>
    public static ClusterRemoting Insecure() =>
        new(null, ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = false"));

    /// <summary>
    /// The actor system setup: <see cref="Config"/> over <paramref name="config"/>, plus the TLS
    /// setup (certificate and validator) when secure.
    /// </summary>
    public ActorSystemSetup CreateSetup(Config config)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(Config.WithFallback(config));
        return _ssl is null ? ActorSystemSetup.Create(bootstrap) : bootstrap.And(_ssl);
    }

    /// <summary>Refuses a bind or advertised host that this mode may not use (insecure: non-loopback).</summary>
    public void CheckHost(string host)
    {
        if (!IsSecure)
            InsecureMode.RequireLoopback(host, "remoting address");
    }

    /// <summary>The address of the member at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public Address MemberAddress(string systemName, string host, int port)
    {
        CheckHost(host);
        if (port is < 1 or > 65535)
            throw new ClusterSecurityException($"member port {port} is out of range");
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        // Akka writes IPv6 hosts in brackets (as its own addresses have them), or they would not compare equal
        var akkaHost = System.Net.IPAddress.TryParse(bare, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + ip + "]"
            : bare;
        return new Address(Protocol, systemName, akkaHost, port);
    }

    /// <summary>
    /// A seed node address from <c>--seed</c>: <c>host:port</c> (or <c>[v6]:port</c>) gets this
    /// mode's scheme; a full address is accepted only with this mode's scheme and system name.
    /// </summary>
    public string SeedAddress(string systemName, string seed)
    {
        if (seed.Contains("://", StringComparison.Ordinal))
        {
            Address parsed;
            try
            {
                parsed = Address.Parse(seed);
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
            {
                throw new ClusterSecurityException($"seed {seed} is not an address: give host:port", e);
            }
            if (parsed.Protocol != Protocol)
                throw new ClusterSecurityException(
                    $"seed {seed} uses {parsed.Protocol}, but this member runs {(IsSecure ? "TLS" : "without TLS (" + InsecureMode.Flag + ")")}, " +
                    $"whose addresses are {Protocol}://: give the seed as host:port");
            if (parsed.System != systemName)
                throw new ClusterSecurityException($"seed {seed} is in actor system {parsed.System}, not {systemName}");
            if (parsed.Host is null || parsed.Port is null)
                throw new ClusterSecurityException($"seed {seed} has no host and port");
            return MemberAddress(systemName, parsed.Host, parsed.Port.Value).ToString();
        }
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var port))
            throw new ClusterSecurityException($"seed {seed} is not host:port");
        var host = seed[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
            throw new ClusterSecurityException($"seed {seed}: write an IPv6 address in brackets, [addr]:port");
        return MemberAddress(systemName, host, port).ToString();
    }
}
