using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Transfer.Serving;
using Xunit;

namespace Img.Engine.Tests.Transfer.Serving;

/// <summary>The blob server over TLS: a self-signed server certificate the client pins, and mutual TLS.</summary>
public sealed class BlobServerTlsTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private readonly X509Certificate2 _serverCertificate = TestCertificates.Server();
    private readonly X509Certificate2 _member = TestCertificates.Client("member");
    private Descriptor _blob = null!;

    public async Task InitializeAsync() => _blob = await _store.AddRandomAsync(2 * 1024 * 1024 + 3);

    public Task DisposeAsync()
    {
        _store.Dispose();
        _serverCertificate.Dispose();
        _member.Dispose();
        return Task.CompletedTask;
    }

    private BlobServer Start(bool mutual)
    {
        var tls = new SslServerAuthenticationOptions
        {
            ServerCertificate = _serverCertificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        if (mutual)
        {
            tls.ClientCertificateRequired = true;
            // Stands in for "issued by the cluster CA": only the member's certificate is accepted.
            tls.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == _member.Thumbprint;
        }
        var server = new BlobServer(_store.Store, new BlobServerOptions { Tls = tls });
        server.Start();
        return server;
    }

    /// <summary>An HTTP stack that trusts exactly the test server's certificate, optionally presenting a client certificate.</summary>
    private SocketsHttpHandler Handler(X509Certificate2? clientCertificate = null) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == _serverCertificate.Thumbprint,
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
        },
    };

    private static RegistryClient Client(BlobServer server, HttpMessageHandler handler) =>
        new(new RegistryEndpoint($"127.0.0.1:{server.EndPoint.Port}", server.BaseUri), new RegistryClientOptions { Handler = handler, MaxAttempts = 1 });

    [Fact]
    public async Task The_registry_client_fetches_over_https_validating_the_self_signed_certificate()
    {
        await using var server = Start(mutual: false);
        Assert.Equal("https", server.BaseUri.Scheme);
        using var handler = Handler();
        using var client = Client(server, handler);
        using var target = new TestStore();
        var info = await client.GetBlobAsync("_img", _blob, target.Store);
        Assert.Equal(_blob.Digest, info.Digest.ToString());
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_gets_nothing()
    {
        await using var server = Start(mutual: false);
        using var handler = new SocketsHttpHandler(); // system trust: the self-signed certificate fails
        using var client = Client(server, handler);
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("_img", _blob, Stream.Null));
        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
    }

    [Fact]
    public async Task Plain_http_to_a_tls_server_is_not_answered()
    {
        await using var server = Start(mutual: false);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.EndPoint.Port}/"), Timeout = TimeSpan.FromSeconds(20) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/v2/"));
    }

    [Fact]
    public async Task Mutual_tls_serves_a_member_and_refuses_a_client_without_a_certificate()
    {
        await using var server = Start(mutual: true);
        using (var memberHandler = Handler(_member))
        using (var member = Client(server, memberHandler))
            Assert.Equal(_blob.Size, await member.GetBlobAsync("_img", _blob, Stream.Null));

        using (var anonymousHandler = Handler())
        using (var anonymous = Client(server, anonymousHandler))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => anonymous.GetBlobAsync("_img", _blob, Stream.Null));
            Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        }

        using var stranger = TestCertificates.Client("stranger");
        using var strangerHandler = Handler(stranger);
        using var strangerClient = Client(server, strangerHandler);
        await Assert.ThrowsAsync<RegistryException>(() => strangerClient.GetBlobAsync("_img", _blob, Stream.Null));
    }

    [Fact]
    public async Task The_authoriser_sees_the_client_certificate()
    {
        X509Certificate? seen = null;
        var tls = new SslServerAuthenticationOptions
        {
            ServerCertificate = _serverCertificate,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
        };
        await using var server = new BlobServer(_store.Store, new BlobServerOptions
        {
            Tls = tls,
            Authorize = (request, _) =>
            {
                seen = request.ClientCertificate;
                return ValueTask.FromResult(request.ClientCertificate?.Subject == "CN=member" ? BlobAccess.Allowed : BlobAccess.Forbidden);
            },
        });
        server.Start();
        using var handler = Handler(_member);
        using var http = new HttpClient(handler) { BaseAddress = server.BaseUri };
        using var response = await http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=member", seen?.Subject);
    }
}
