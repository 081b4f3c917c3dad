using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Img.Messages.Security;
using Xunit.Abstractions;

namespace Img.Actors.Tests.Security;

/// <summary>The non-Akka endpoints: SslStream over loopback with <see cref="ClusterTls"/>'s options.</summary>
public sealed class ClusterTlsSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly TestCluster _cluster = new();
    private readonly TestCluster _other = new();

    [Fact]
    public async Task ATokenClientAcceptsACoordinatorOfItsCluster()
    {
        using var coordinator = _cluster.Member("coordinator");
        var token = ClusterToken.Parse(_cluster.Token.Reveal());

        var first = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(coordinator, requireClientCertificate: false), ClusterTls.TokenClientOptions(token, "127.0.0.1"));
        var second = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(coordinator, requireClientCertificate: false), ClusterTls.TokenClientOptions(token, "localhost"));

        Assert.Null(first.ClientError);
        Assert.Null(first.ServerError);
        Assert.True(first.Exchanged);
        Assert.True(second.Exchanged);
        output.WriteLine($"TLS handshake (token client, in process): first {first.ClientHandshake.TotalMilliseconds:F1} ms, second {second.ClientHandshake.TotalMilliseconds:F1} ms");
    }

    [Fact]
    public async Task ATokenClientRefusesACoordinatorOfAnotherCluster()
    {
        using var stranger = _other.Member("coordinator");

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(stranger, false), ClusterTls.TokenClientOptions(_cluster.Token, "127.0.0.1"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ClientError);
        Assert.Equal($"127.0.0.1 is not a member of this img cluster: its certificate is from another cluster (CA sha256 {_other.Token.AuthorityFingerprint}, the token pins {_cluster.Token.AuthorityFingerprint})", e.Message);
        Assert.False(outcome.Exchanged);
    }

    [Fact]
    public async Task ATokenClientRefusesAServerThatCopiedTheClusterCaIntoItsOwnCertificate()
    {
        // an impostor can embed the real CA (it is public) but cannot sign with its key
        using var impostor = Impostor(embed: _cluster.Authority.Certificate);

        var outcome = await TlsLoopback.ConnectAsync(new() { ServerCertificate = impostor }, ClusterTls.TokenClientOptions(_cluster.Token, "127.0.0.1"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ClientError);
        Assert.Equal("127.0.0.1 is not a member of this img cluster: its certificate is not issued by this cluster's CA", e.Message);
    }

    [Fact]
    public async Task ATokenClientRefusesAServerWithAnOrdinaryCertificate()
    {
        using var stranger = Impostor(embed: null);

        var outcome = await TlsLoopback.ConnectAsync(new() { ServerCertificate = stranger }, ClusterTls.TokenClientOptions(_cluster.Token, "127.0.0.1"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ClientError);
        Assert.Equal("127.0.0.1 is not a member of this img cluster: its certificate was not issued by an img cluster", e.Message);
    }

    [Fact]
    public async Task ATokenClientRefusesACertificateThatDoesNotNameTheHostDialled()
    {
        using var coordinator = _cluster.Member("coordinator", "127.0.0.1", "localhost");

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(coordinator, false), ClusterTls.TokenClientOptions(_cluster.Token, "build.example"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ClientError);
        Assert.Equal("build.example is not a member of this img cluster: its certificate does not name build.example (it names localhost, 127.0.0.1)", e.Message);
    }

    [Fact]
    public async Task AServerThatRequiresMembersAcceptsAMember()
    {
        using var server = _cluster.Member("node-1");
        using var client = _cluster.Member("node-2");

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(server, requireClientCertificate: true), ClusterTls.MemberClientOptions(client, "127.0.0.1"));

        Assert.Null(outcome.ServerError);
        Assert.True(outcome.Exchanged);
    }

    [Fact]
    public async Task AServerThatRequiresMembersRefusesAClientWithoutACertificate()
    {
        using var server = _cluster.Member("node-1");

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(server, requireClientCertificate: true), ClusterTls.TokenClientOptions(_cluster.Token, "127.0.0.1"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ServerError);
        Assert.Equal("refused a client that is not a member of this cluster: it presented no certificate", e.Message);
        Assert.False(outcome.Exchanged);
    }

    [Fact]
    public async Task AServerThatRequiresMembersRefusesAMemberOfAnotherCluster()
    {
        using var server = _cluster.Member("node-1");
        using var stranger = _other.Member("node-2");
        var client = ClusterTls.MemberClientOptions(stranger, "127.0.0.1");
        // the stranger does not care whom it talks to: only the server's check can stop it
        client.RemoteCertificateValidationCallback = (_, _, _, _) => true;

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(server, requireClientCertificate: true), client);

        var e = Assert.IsType<ClusterSecurityException>(outcome.ServerError);
        Assert.Equal("refused a client that is not a member of this cluster: its certificate is not issued by this cluster's CA", e.Message);
        Assert.False(outcome.Exchanged);
    }

    [Fact]
    public async Task AMemberClientRefusesAServerOfAnotherCluster()
    {
        using var stranger = _other.Member("node-1");
        using var client = _cluster.Member("node-2");

        var outcome = await TlsLoopback.ConnectAsync(ClusterTls.ServerOptions(stranger, false), ClusterTls.MemberClientOptions(client, "127.0.0.1"));

        var e = Assert.IsType<ClusterSecurityException>(outcome.ClientError);
        Assert.Equal("127.0.0.1 is not a member of this img cluster: its certificate is not issued by this cluster's CA", e.Message);
    }

    [Fact]
    public async Task TheMemberHttpHandlerFetchesFromAMemberAndRefusesAStranger()
    {
        using var server = _cluster.Member("node-1");
        using var stranger = _other.Member("node-3");
        using var client = _cluster.Member("node-2");
        using var http = new HttpClient(ClusterTls.CreateMemberHttpHandler(client)) { Timeout = TimeSpan.FromSeconds(20) };

        var (port, served) = ServeOneHttpsRequest(server);
        var body = await http.GetStringAsync($"https://127.0.0.1:{port}/v2/blobs/sha256:00");
        await served;
        var (strangerPort, _) = ServeOneHttpsRequest(stranger);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"https://127.0.0.1:{strangerPort}/v2/blobs/sha256:00"));

        Assert.Equal("blob", body);
        Assert.Contains("127.0.0.1 is not a member of this img cluster: its certificate is not issued by this cluster's CA", AllMessages(refused));
    }

    [Fact]
    public async Task TheStreamHelpersSecureAConnectionThatThenCarriesTheToken()
    {
        using var coordinator = _cluster.Member("coordinator");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var server = Task.Run(async () =>
        {
            using var tcp = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var ssl = await ClusterTls.AuthenticateAsServerAsync(tcp.GetStream(), coordinator, requireClientCertificate: false, timeout.Token);
            using var reader = new StreamReader(ssl);
            return _cluster.Authority.Accepts(await reader.ReadLineAsync(timeout.Token));
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await using (var secured = await ClusterTls.AuthenticateAsTokenClientAsync(client.GetStream(), ClusterToken.Parse(_cluster.Token.Reveal()), "127.0.0.1", timeout.Token))
        {
            await secured.WriteAsync(Encoding.UTF8.GetBytes(_cluster.Token.Reveal() + "\n"), timeout.Token);
            await secured.FlushAsync(timeout.Token);
            Assert.True(await server);
        }

        Assert.False(_cluster.Authority.Accepts(_other.Token.Reveal()));
        Assert.False(_cluster.Authority.Accepts("img1.garbage"));
        Assert.False(_cluster.Authority.Accepts((string?)null));
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _other.Dispose();
    }

    private static string AllMessages(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + AllMessages(e.InnerException);

    private static (int Port, Task Served) ServeOneHttpsRequest(MemberCredentials member)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                using var tcp = await listener.AcceptTcpClientAsync(stop.Token);
                await using var ssl = new System.Net.Security.SslStream(tcp.GetStream());
                await ssl.AuthenticateAsServerAsync(ClusterTls.ServerOptions(member, requireClientCertificate: true), stop.Token);
                var request = new List<byte>();
                var buffer = new byte[1];
                while (!request.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()) && await ssl.ReadAsync(buffer, stop.Token) == 1)
                    request.Add(buffer[0]);
                await ssl.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nblob"), stop.Token);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // the stranger's connection ends in a refused handshake
            }
            finally
            {
                listener.Stop();
            }
        });
        return (port, served);
    }

    /// <summary>A server certificate for 127.0.0.1 from a CA of its own, optionally claiming to come from <paramref name="embed"/>.</summary>
    private static X509Certificate2 Impostor(X509Certificate2? embed)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=impostor CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=coordinator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (embed is not null)
            request.CertificateExtensions.Add(new X509Extension("2.25.321781153160355259087049465901469005747", embed.RawData, false));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        return leaf.CopyWithPrivateKey(key);
    }
}
