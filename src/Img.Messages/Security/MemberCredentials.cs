using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// What a cluster member (coordinator or node) proves itself with: its private key, its
/// certificate from the cluster CA, and the CA certificate it checks peers against. Kept in
/// <see cref="ClusterDirectory.MemberFileName"/> (0600) and loaded on every start.
/// </summary>
/// <remarks>
/// Enrolment: <see cref="CreateRequest"/> makes a key and a certificate request; the joiner
/// sends the request with its token to a coordinator, which answers with
/// <see cref="ClusterAuthority.Issue"/>'s certificate and the CA certificate;
/// <see cref="MemberCertificateRequest.Complete"/> stores them. A coordinator that holds the
/// authority enrols itself with <see cref="IssueLocally"/>. Renew (enrol again) when
/// <see cref="NeedsRenewal"/> or when the member's addresses are no longer <see cref="Covers">covered</see>.
/// </remarks>
public sealed class MemberCredentials : IDisposable
{
    /// <summary>How long before expiry <see cref="NeedsRenewal"/> turns true.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private const string CertificateLabel = "CERTIFICATE";
    private const string PrivateKeyLabel = "PRIVATE KEY";

    private SslStreamCertificateContext? _context;

    internal MemberCredentials(X509Certificate2 certificate, X509Certificate2 authority, string filePath)
    {
        Certificate = certificate;
        Authority = authority;
        FilePath = filePath;
        Trust = new ClusterTrust(authority);
        Hosts = MemberHosts.Of(certificate);
    }

    /// <summary>Where the credentials are stored.</summary>
    public string FilePath { get; }

    /// <summary>The member certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster CA certificate.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Checks peers against the cluster CA.</summary>
    public ClusterTrust Trust { get; }

    /// <summary>The member's name (the certificate's common name).</summary>
    public string Name => Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>The host names and addresses the certificate names.</summary>
    public IReadOnlyList<string> Hosts { get; }

    public DateTimeOffset NotAfter => Certificate.NotAfter;

    /// <summary>
    /// Starts enrolment for a member called <paramref name="name"/> (letters, digits, '.', '_',
    /// '-') reachable at <paramref name="hosts"/> (see <see cref="MemberHosts.Collect"/>), to be
    /// stored in <paramref name="directory"/> (a cluster directory).
    /// </summary>
    public static MemberCertificateRequest CreateRequest(string directory, string name, IEnumerable<string> hosts) =>
        new(directory, ValidateName(name), MemberHosts.Normalize(hosts));

    /// <summary>Enrols with an authority in this process (a coordinator's own credentials).</summary>
    public static MemberCredentials IssueLocally(ClusterAuthority authority, string directory, string name, IEnumerable<string> hosts)
    {
        using var request = CreateRequest(directory, name, hosts);
        return request.Complete(authority.Issue(request.Pem), authority.CertificatePem, authority.Token);
    }

    /// <summary>True when <paramref name="directory"/> holds member credentials.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, ClusterDirectory.MemberFileName));

    /// <summary>
    /// Loads the credentials of <paramref name="directory"/>; throws a
    /// <see cref="ClusterSecurityException"/> when they are missing, readable by others or
    /// damaged. An expired certificate loads (see <see cref="NeedsRenewal"/>).
    /// </summary>
    public static MemberCredentials Load(string directory)
    {
        var path = Path.Combine(directory, ClusterDirectory.MemberFileName);
        var what = $"member credentials file {path}";
        var blocks = PemBlock.ReadAll(PrivateFile.Read(path, "member credentials file"), what);
        if (blocks.Count != 3 || blocks[0].Label != PrivateKeyLabel || blocks[1].Label != CertificateLabel || blocks[2].Label != CertificateLabel)
            throw new ClusterSecurityException($"{what} is damaged: expected the blocks {PrivateKeyLabel}, {CertificateLabel} (member) and {CertificateLabel} (CA)");
        X509Certificate2? authority = null;
        X509Certificate2? certificate = null;
        try
        {
            authority = X509CertificateLoader.LoadCertificate(blocks[2].Data);
            using (var publicOnly = X509CertificateLoader.LoadCertificate(blocks[1].Data))
            using (var key = ECDsa.Create())
            {
                key.ImportPkcs8PrivateKey(blocks[0].Data, out _);
                if (!publicOnly.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                    throw new ClusterSecurityException($"{what} is damaged: its private key does not belong to its certificate");
                certificate = publicOnly.CopyWithPrivateKey(key);
            }
            // checked as of the start of its validity: expiry is for NeedsRenewal, not a load error
            if (new ClusterTrust(authority).Check(certificate, PeerUsage.Member, at: certificate.NotBefore.ToUniversalTime()) is { } reason)
                throw new ClusterSecurityException($"{what} is damaged: {reason.Replace("its certificate ", "the member certificate ", StringComparison.Ordinal)}");
            return new MemberCredentials(certificate, authority, path);
        }
        catch (Exception e) when (e is not ClusterSecurityException)
        {
            certificate?.Dispose();
            authority?.Dispose();
            throw new ClusterSecurityException($"{what} is damaged: {e.Message}", e);
        }
        catch
        {
            certificate?.Dispose();
            authority?.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blocks[0].Data);
        }
    }

    /// <summary>True when the certificate has expired or expires within <see cref="RenewBefore"/>.</summary>
    public bool NeedsRenewal(DateTimeOffset now) => now + RenewBefore >= NotAfter;

    /// <summary>True when the certificate names every one of <paramref name="hosts"/>.</summary>
    public bool Covers(IEnumerable<string> hosts) =>
        MemberHosts.Normalize(hosts).All(h => Hosts.Contains(h, StringComparer.OrdinalIgnoreCase));

    /// <summary>True when these credentials are from the cluster <paramref name="token"/> names.</summary>
    public bool BelongsTo(ClusterToken token) => token.Pins(Authority);

    /// <summary>
    /// The certificate as SslStream presents it, built once because building it walks the chain.
    /// The CA is not in it: SslStream never sends a self-signed root, which is why member
    /// certificates carry it themselves (<see cref="EmbeddedAuthority"/>).
    /// </summary>
    internal SslStreamCertificateContext CertificateContext =>
        _context ??= SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true);

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }

    internal string Serialize()
    {
        using var key = Certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("member credentials always hold an ECDSA key");
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return PemBlock.Format([
                new PemBlock(PrivateKeyLabel, pkcs8),
                new PemBlock(CertificateLabel, Certificate.RawData),
                new PemBlock(CertificateLabel, Authority.RawData)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>Checks a member name; throws a <see cref="ClusterSecurityException"/> for a bad one.</summary>
    internal static string ValidateName(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new ClusterSecurityException($"member name '{name}' must be 1 to 64 letters, digits, '.', '_' or '-'");
        return name;
    }
}
