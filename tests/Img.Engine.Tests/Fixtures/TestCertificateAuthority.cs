using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// A CA made on the spot with <see cref="CertificateRequest"/>, issuing server certificates for
/// 127.0.0.1/localhost and client certificates, all written as PEM files the way docker-registry
/// and certs.d want them.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificateAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Writes a server certificate and key for 127.0.0.1 and localhost; returns their paths.</summary>
    public (string Certificate, string Key) WriteServer(string directory, string name) =>
        Issue(directory, name, "CN=127.0.0.1", new Oid("1.3.6.1.5.5.7.3.1"), server: true, ".crt", ".key");

    /// <summary>Writes <c>NAME.cert</c> and <c>NAME.key</c>, a client pair as certs.d names them.</summary>
    public (string Certificate, string Key) WriteClient(string directory, string name) =>
        Issue(directory, name, $"CN={name}", new Oid("1.3.6.1.5.5.7.3.2"), server: false, ".cert", ".key");

    private (string, string) Issue(string directory, string name, string subject, Oid usage, bool server, string certExtension, string keyExtension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, name + certExtension);
        var keyPath = Path.Combine(directory, name + keyExtension);
        File.WriteAllText(certPath, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    /// <summary>Writes the CA certificate as <paramref name="fileName"/> (<c>ca.crt</c> in certs.d).</summary>
    public string WriteCertificate(string directory, string fileName = "ca.crt")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
