using Img.Engine.Content.Local;
using Img.Engine.Images.Local;
using Img.Engine.Platforms;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.Registry.Tls;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

/// <summary>
/// Registries on TLS with a CA made in the test: certs.d CAs and client certificates as docker
/// reads them, and docker's insecure-registry meaning (unverified TLS, plain-HTTP fallback).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryTlsTests(TlsRegistryFixture tls, RegistryFixture registries) : IClassFixture<TlsRegistryFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("img-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CertsRoot => Path.Combine(_dir, "certs.d");

    private string HostDirectory(RegistryProcess registry) => CertsDirectory.HostDirectory(CertsRoot, registry.Host);

    private RegistryClientOptions Options(params string[] insecure) => new()
    {
        CertsDirectory = CertsRoot,
        InsecureRegistries = insecure,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    [Fact]
    public async Task Push_and_pull_over_tls_with_the_ca_in_certs_d()
    {
        tls.Authority.WriteCertificate(HostDirectory(tls.ServerTls));
        using var clients = new RegistryClients(Options());
        var client = clients.Get(tls.ServerTls.Host);
        Assert.Equal("https", client.Endpoint.BaseUri.Scheme);
        var image = TestImage.Create(true, "amd64", layers: 2);
        await image.PushAsync(client, "tls/app", "v1");

        var content = new LocalContentStore(Path.Combine(_dir, "content"));
        var images = new LocalImageStore(Path.Combine(_dir, "images"));
        var pulled = await new ImagePuller(clients, content, images)
            .PullAsync(ImageReference.Parse($"{tls.ServerTls.Host}/tls/app:v1"), PlatformSpec.Parse("linux/amd64"));
        Assert.Equal(image.Digest, pulled.Image.Target.Digest);
        Assert.Equal(3, pulled.BlobsDownloaded);
    }

    [Fact]
    public async Task Without_the_ca_the_certificate_is_refused_with_an_x509_message_naming_where_the_ca_goes()
    {
        Directory.CreateDirectory(HostDirectory(tls.ServerTls)); // says "TLS", trusts nothing extra
        using var client = new RegistryClient(tls.ServerTls.Host, Options());
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("tls/app", "v1"));
        Assert.Equal(RegistryErrorKind.Tls, e.Kind);
        Assert.StartsWith($"Get \"https://{tls.ServerTls.Host}/v2/tls/app/manifests/v1\": tls: failed to verify certificate: " +
            "x509: certificate signed by unknown authority", e.Message);
        Assert.Contains(Path.Combine(HostDirectory(tls.ServerTls), "ca.crt"), e.Message);
    }

    [Fact]
    public async Task A_ca_that_did_not_sign_the_certificate_does_not_help()
    {
        using var other = new TestCertificateAuthority("some-other-ca");
        other.WriteCertificate(HostDirectory(tls.ServerTls), "other.crt");
        using var client = new RegistryClient(tls.ServerTls.Host, Options());
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.BlobExistsAsync("tls/app", TestBlob.DigestOf([1])));
        Assert.Contains("x509: certificate signed by unknown authority", e.Message);
    }

    [Fact]
    public async Task An_insecure_registry_is_spoken_to_over_tls_without_verification()
    {
        Directory.CreateDirectory(HostDirectory(tls.ServerTls));
        using var client = new RegistryClient(tls.ServerTls.Host, Options(tls.ServerTls.Host));
        var image = TestImage.Create(true, "amd64");
        await image.PushAsync(client, "tls/insecure", "v1");
        Assert.Equal(image.Digest, (await client.GetManifestAsync("tls/insecure", "v1")).Digest);
        Assert.Equal("https", client.Endpoint.BaseUri.Scheme);
    }

    [Fact]
    public async Task An_insecure_registry_that_does_not_speak_tls_gets_plain_http()
    {
        // The certs.d directory makes the loopback registry HTTPS first; it only speaks HTTP.
        Directory.CreateDirectory(HostDirectory(registries.Anonymous));
        using var client = new RegistryClient(registries.Anonymous.Host, Options(registries.Anonymous.Host));
        Assert.Equal("https", client.Endpoint.BaseUri.Scheme);
        Assert.Empty(await client.PingAsync());
        Assert.Equal("http", client.Endpoint.BaseUri.Scheme);
        var image = TestImage.Create(true, "amd64");
        await image.PushAsync(client, "tls/fallback", "v1");
    }

    [Fact]
    public async Task A_registry_that_requires_a_client_certificate_accepts_client_cert_and_key()
    {
        var dir = HostDirectory(tls.MutualTls);
        tls.Authority.WriteCertificate(dir);
        using (var anonymous = new RegistryClient(tls.MutualTls.Host, Options()))
        {
            var e = await Assert.ThrowsAsync<RegistryException>(() => anonymous.PingAsync());
            Assert.True(e.Kind == RegistryErrorKind.Tls, e.ToString());
            Assert.Contains($"tls: handshake with {tls.MutualTls.Host} failed: remote error: tls: ", e.Message);
            Assert.Contains(Path.Combine(dir, "client.cert"), e.Message);
        }

        tls.Authority.WriteClient(dir, "client");
        using var client = new RegistryClient(tls.MutualTls.Host, Options());
        var image = TestImage.Create(true, "amd64");
        await image.PushAsync(client, "tls/mutual", "v1");
        Assert.Equal(image.Digest, (await client.GetManifestAsync("tls/mutual", "v1")).Digest);
    }

    [Fact]
    public void A_client_certificate_without_its_key_is_refused_as_docker_words_it()
    {
        var dir = HostDirectory(tls.MutualTls);
        var (_, key) = tls.Authority.WriteClient(dir, "client");
        File.Delete(key);
        var e = Assert.Throws<RegistryException>(() => new RegistryClient(tls.MutualTls.Host, Options()));
        Assert.Equal($"missing key client.key for client certificate client.cert. CA certificates must use the extension .crt: {dir}", e.Message);

        var (cert, _) = tls.Authority.WriteClient(dir, "client");
        File.Delete(cert);
        e = Assert.Throws<RegistryException>(() => new RegistryClient(tls.MutualTls.Host, Options()));
        Assert.Equal($"missing client certificate client.cert for key client.key: {dir}", e.Message);
    }

    [Fact]
    public void Certs_d_is_docker_s_for_root_and_rootless_docker_s_for_users()
    {
        string? Env(string name, string? value) => name == "XDG_CONFIG_HOME" ? value : null;
        Assert.Equal("/etc/docker/certs.d", CertsDirectory.Resolve(n => Env(n, "/x"), realRoot: true, "/root"));
        Assert.Equal("/x/docker/certs.d", CertsDirectory.Resolve(n => Env(n, "/x"), realRoot: false, "/home/u"));
        Assert.Equal("/home/u/.config/docker/certs.d", CertsDirectory.Resolve(n => Env(n, null), realRoot: false, "/home/u"));
        Assert.Equal("/tmp/c", CertsDirectory.Resolve(n => n == CertsDirectory.EnvironmentVariable ? "/tmp/c" : null, realRoot: true, "/root"));
    }
}
