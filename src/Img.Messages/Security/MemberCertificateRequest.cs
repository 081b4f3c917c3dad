using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// The first half of enrolment (<see cref="MemberCredentials.CreateRequest"/>): a fresh key that
/// stays in this process and a PKCS#10 request (<see cref="Pem"/>) to send to a coordinator.
/// <see cref="Complete"/> takes the coordinator's answer and stores the credentials. Dropped
/// without completing, nothing is written and the key is gone.
/// </summary>
public sealed class MemberCertificateRequest : IDisposable
{
    private readonly ECDsa _key;
    private readonly string _directory;

    internal MemberCertificateRequest(string directory, string name, IReadOnlyList<string> hosts)
    {
        _directory = directory;
        Name = name;
        Hosts = hosts;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(MemberHosts.Build(hosts));
        Pem = request.CreateSigningRequestPem();
    }

    /// <summary>The member's name (the certificate's common name).</summary>
    public string Name { get; }

    /// <summary>The host names and addresses the certificate is asked to name.</summary>
    public IReadOnlyList<string> Hosts { get; }

    /// <summary>The certificate request, PEM (CERTIFICATE REQUEST); holds no secret.</summary>
    public string Pem { get; }

    /// <summary>
    /// Stores the issued certificate with this request's key in
    /// <see cref="ClusterDirectory.MemberFileName"/>, after checking that it is for this key, that
    /// <paramref name="authorityPem"/> issued it, that it is the CA <paramref name="token"/> pins,
    /// and that it names every host asked for.
    /// </summary>
    public MemberCredentials Complete(string certificatePem, string authorityPem, ClusterToken token)
    {
        using var issued = X509CertificateLoader.LoadCertificate(PemBlock.ReadSingle(certificatePem, "CERTIFICATE", "the issued certificate"));
        var authority = X509CertificateLoader.LoadCertificate(PemBlock.ReadSingle(authorityPem, "CERTIFICATE", "the CA certificate"));
        X509Certificate2? certificate = null;
        try
        {
            if (!token.Pins(authority))
                throw new ClusterSecurityException(
                    $"the CA certificate received (sha256 {ClusterToken.FingerprintOf(authority)}) is not the one the cluster token pins ({token.AuthorityFingerprint})");
            if (!issued.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(_key.ExportSubjectPublicKeyInfo()))
                throw new ClusterSecurityException("the issued certificate is not for this member's key");
            var trust = new ClusterTrust(authority);
            if (trust.Check(issued, PeerUsage.Member) is { } reason)
                throw new ClusterSecurityException("the issued certificate is unusable: " + reason.Replace("its certificate ", "it ", StringComparison.Ordinal));
            var named = MemberHosts.Of(issued);
            var missing = Hosts.Where(h => !named.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0)
                throw new ClusterSecurityException($"the issued certificate does not name {string.Join(", ", missing)}");
            certificate = issued.CopyWithPrivateKey(_key);
            var credentials = new MemberCredentials(certificate, authority, Path.Combine(_directory, ClusterDirectory.MemberFileName));
            PrivateFile.Write(credentials.FilePath, credentials.Serialize());
            return credentials;
        }
        catch
        {
            certificate?.Dispose();
            authority.Dispose();
            throw;
        }
    }

    public void Dispose() => _key.Dispose();
}
