using Xunit;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// Two real <c>docker-registry</c> processes serving TLS on 127.0.0.1 with certificates from a CA
/// made in the test (<see cref="Authority"/>): <see cref="ServerTls"/> (server certificate only) and
/// <see cref="MutualTls"/> (also requires a client certificate issued by the same CA, through
/// distribution's <c>clientcas</c>).
/// </summary>
public sealed class TlsRegistryFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-tls-registry-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
    public TestCertificateAuthority Authority { get; } = new("img-test-registry-ca");
    public RegistryProcess ServerTls { get; private set; } = null!;
    public RegistryProcess MutualTls { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        try
        {
            var pki = Path.Combine(Root, "pki");
            var (cert, key) = Authority.WriteServer(pki, "server");
            var ca = Authority.WriteCertificate(pki);
            var tls = $"    certificate: {cert}\n    key: {key}\n";
            var started = await RegistryProcess.StartAllAsync(_owned,
                RegistryProcess.StartAsync("server-tls", Root, null, tls),
                RegistryProcess.StartAsync("mutual-tls", Root, null, tls + $"    clientcas:\n      - {ca}\n"));
            ServerTls = started[0];
            MutualTls = started[1];
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        var teardown = new Teardown();
        foreach (var owned in _owned)
            await teardown.RunAsync(owned.ToString() ?? "", () => owned.DisposeAsync().AsTask());
        _owned.Clear();
        teardown.Run("dispose the test CA", Authority.Dispose);
        await teardown.DeleteDirectoryAsync(Root);
        teardown.ThrowIfFailed("tls registries");
    }
}
