using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>
/// <c>img push</c>/<c>img pull</c> through the published binary against a real docker-registry on
/// TLS with a CA made in the test: certs.d (through <c>IMG_CERTS_D</c>, never the host's
/// /etc/docker) and <c>--insecure-registry</c>.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RegistryTlsTests(ImgFixture fixture) : IAsyncLifetime
{
    private readonly TestCertificateAuthority _authority = new("img-e2e-registry-ca");
    private RegistryProcess _registry = null!;
    private string _certs = null!;

    public async Task InitializeAsync()
    {
        var (cert, key) = _authority.WriteServer(fixture.NewDirectory("registry-pki"), "server");
        _registry = await RegistryProcess.StartAsync("tls", fixture.NewDirectory("registry"), null, $"    certificate: {cert}\n    key: {key}\n");
        _certs = fixture.NewDirectory("certs.d");
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _authority.Dispose();
    }

    private Dictionary<string, string> Environment => new() { ["IMG_CERTS_D"] = _certs };

    [Fact]
    public async Task Push_and_pull_need_the_ca_in_certs_d_or_insecure_registry()
    {
        var hostDirectory = Path.Combine(_certs, _registry.Host);
        Directory.CreateDirectory(hostDirectory);
        var img = await fixture.NewStateAsync();
        var reference = $"{_registry.Host}/e2e/tls:v1";
        (await img.RunAsync(["tag", "busybox:latest", reference])).AssertSuccess();

        var refused = await img.RunAsync(["push", reference], environment: Environment);
        Assert.Equal(1, refused.ExitCode);
        Assert.Matches(
            $"(^|\n)ERROR: Head \"https://{Regex.Escape(_registry.Host)}/v2/e2e/tls/blobs/sha256:[0-9a-f]{{64}}\": " +
            "tls: failed to verify certificate: x509: certificate signed by unknown authority " +
            $"\\(trust the registry's CA by putting it in {Regex.Escape(Path.Combine(hostDirectory, "ca.crt"))}\\)\n$", refused.Error);

        var insecure = await img.RunAsync(["push", "--insecure-registry", _registry.Host, reference], environment: Environment);
        insecure.AssertSuccess();

        _authority.WriteCertificate(hostDirectory);
        var push = await img.RunAsync(["push", reference], environment: Environment);
        push.AssertSuccess();
        Assert.Contains("v1: digest: sha256:", push.Out);

        var other = await fixture.NewStateAsync(withBusybox: false);
        var pull = await other.RunAsync(["pull", reference], environment: Environment);
        pull.AssertSuccess();
        Assert.Equal(await img.IdAsync(reference), await other.IdAsync(reference));
    }
}
