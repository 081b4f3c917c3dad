using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// The cluster's root of trust, kept by every coordinator: a CA (ECDSA P-256, self-signed) that
/// issues member certificates, and the 32-byte cluster secret that clients and joiners prove
/// they know. Lifecycle: the first coordinator start calls <see cref="LoadOrCreate"/>; later
/// starts load the same file; a further coordinator that joins with a valid token receives
/// <see cref="ExportForCoordinator"/> and stores it with <see cref="Import"/>. Members send a
/// certificate request and get back <see cref="Issue"/>'s certificate; their keys never leave
/// them.
/// </summary>
/// <remarks>
/// The file is <see cref="ClusterDirectory.AuthorityFileName"/>: PEM blocks CERTIFICATE,
/// PRIVATE KEY (PKCS#8) and IMG CLUSTER SECRET, mode 0600. Nothing here logs or puts the key
/// or the secret in an exception message.
/// </remarks>
public sealed class ClusterAuthority : IDisposable
{
    /// <summary>How long the CA is valid. A cluster outliving it needs a new CA (and new tokens).</summary>
    public static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3650);

    /// <summary>How long a member certificate is valid; a member renews it by enrolling again.</summary>
    public static readonly TimeSpan MemberLifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// Certificates start this long before they are issued, so a member whose clock is a little
    /// behind the coordinator's does not refuse its brand-new certificate.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const string CertificateLabel = "CERTIFICATE";
    private const string PrivateKeyLabel = "PRIVATE KEY";
    private const string SecretLabel = "IMG CLUSTER SECRET";

    private readonly ECDsa _key;
    private readonly byte[] _secret;

    private ClusterAuthority(X509Certificate2 certificate, ECDsa key, byte[] secret, string filePath)
    {
        Certificate = certificate;
        _key = key;
        _secret = secret;
        FilePath = filePath;
        Trust = new ClusterTrust(certificate);
        Token = new ClusterToken(Trust.AuthorityFingerprint, secret);
    }

    /// <summary>Where the authority is stored.</summary>
    public string FilePath { get; }

    /// <summary>The CA certificate (public part only: safe to send to anyone).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM, the form joiners receive it in.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Checks certificates against this CA.</summary>
    public ClusterTrust Trust { get; }

    /// <summary>The cluster token (<c>img cluster token</c> prints <see cref="ClusterToken.Reveal"/>).</summary>
    public ClusterToken Token { get; }

    /// <summary>True when <paramref name="directory"/> holds an authority file.</summary>
    public static bool Exists(string directory) => File.Exists(PathIn(directory));

    /// <summary>
    /// Loads the authority of <paramref name="directory"/> (a cluster directory, see
    /// <see cref="ClusterDirectory.For"/>), creating a new CA and secret when there is none.
    /// Two processes racing here end up with the same authority: the loser loads the winner's.
    /// </summary>
    public static ClusterAuthority LoadOrCreate(string directory, out bool created)
    {
        created = false;
        if (Exists(directory))
            return Load(directory);
        var fresh = New(PathIn(directory));
        if (PrivateFile.TryCreate(fresh.FilePath, fresh.Serialize()))
        {
            created = true;
            return fresh;
        }
        fresh.Dispose();
        return Load(directory);
    }

    /// <summary>Loads an existing authority; throws a <see cref="ClusterSecurityException"/> when it is missing, unsafe or damaged.</summary>
    public static ClusterAuthority Load(string directory)
    {
        var path = PathIn(directory);
        return Deserialize(PrivateFile.Read(path, "cluster authority file"), path, $"cluster authority file {path}");
    }

    /// <summary>
    /// Stores an authority received from a coordinator (<see cref="ExportForCoordinator"/>) after
    /// checking that it is the one <paramref name="token"/> names: same CA fingerprint, same
    /// secret, a private key that belongs to the CA. A directory that already holds this
    /// authority keeps it; one that holds another cluster's is refused.
    /// </summary>
    public static ClusterAuthority Import(string directory, string exported, ClusterToken token)
    {
        var path = PathIn(directory);
        var imported = Deserialize(exported, path, "the cluster authority received");
        try
        {
            if (!imported.Token.Matches(token))
                throw new ClusterSecurityException("the cluster authority received does not match the cluster token");
            if (Exists(directory))
            {
                using var existing = Load(directory);
                if (!existing.Token.Matches(token))
                    throw new ClusterSecurityException(
                        $"{path} holds the authority of another cluster (CA sha256 {existing.Trust.AuthorityFingerprint}); " +
                        "remove it to join this cluster");
                return imported;
            }
            PrivateFile.Write(path, imported.Serialize());
            return imported;
        }
        catch
        {
            imported.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The whole authority (CA certificate, CA key, secret) as PEM text, for a coordinator that
    /// joins with a valid token and over the pinned TLS connection only: whoever holds it can
    /// issue member certificates.
    /// </summary>
    public string ExportForCoordinator() => Serialize();

    /// <summary>True when <paramref name="presented"/> is this cluster's token (secret compared in constant time).</summary>
    public bool Accepts(ClusterToken presented) => Token.Matches(presented);

    /// <summary>
    /// True when <paramref name="presentedToken"/> is the text of this cluster's token, as a
    /// client sends it in its hello (<see cref="ClusterToken.Reveal"/>); false for anything
    /// else, malformed text included, so the caller refuses every failure alike.
    /// </summary>
    public bool Accepts(string? presentedToken) =>
        ClusterToken.TryParse(presentedToken, out var token, out _) && Accepts(token);

    /// <summary>
    /// Issues a member certificate for a PKCS#10 request (PEM, from
    /// <see cref="MemberCredentials.CreateRequest"/>): the request's common name and its DNS and
    /// IP subject alternative names, TLS server and client usage, valid for
    /// <see cref="MemberLifetime"/> (never past the CA). Everything else the request asks for is
    /// ignored. Returns the certificate as PEM.
    /// </summary>
    public string Issue(string requestPem)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(
                requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // the default options verify the request's signature: a request that fails it lands here too
            throw new ClusterSecurityException("invalid certificate request: " + e.Message, e);
        }
        RequireStrongKey(request.PublicKey);
        var name = MemberCredentials.ValidateName(CommonNameOf(request.SubjectName)
            ?? throw new ClusterSecurityException("invalid certificate request: it has no common name"));
        var requestedNames = request.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == MemberHosts.SubjectAlternativeNameOid)
            ?? throw new ClusterSecurityException("invalid certificate request: it names no host");
        var hosts = MemberHosts.Normalize(MemberHosts.Of(requestedNames));

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(name);
        var member = new CertificateRequest(subject.Build(), request.PublicKey, HashAlgorithmName.SHA256);
        member.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        var keyUsage = request.PublicKey.GetRSAPublicKey() is null
            ? X509KeyUsageFlags.DigitalSignature
            : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        member.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        member.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        member.CertificateExtensions.Add(MemberHosts.Build(hosts));
        member.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        member.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        member.CertificateExtensions.Add(EmbeddedAuthority.Create(Certificate));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + MemberLifetime;
        if (notAfter > Certificate.NotAfter)
            notAfter = Certificate.NotAfter;
        using var issued = member.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now - ClockSkew, notAfter, NewSerialNumber());
        return issued.ExportCertificatePem();
    }

    public void Dispose()
    {
        _key.Dispose();
        CryptographicOperations.ZeroMemory(_secret);
        Certificate.Dispose();
    }

    private static string PathIn(string directory) => Path.Combine(directory, ClusterDirectory.AuthorityFileName);

    private static ClusterAuthority New(string filePath)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("img");
        // a distinct name per cluster keeps certificates of two clusters apart in error messages
        subject.AddCommonName("img cluster CA " + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var selfSigned = request.CreateSelfSigned(now - ClockSkew, now + AuthorityLifetime);
        var certificate = X509CertificateLoader.LoadCertificate(selfSigned.RawData);
        return new ClusterAuthority(certificate, key, RandomNumberGenerator.GetBytes(ClusterToken.SecretLength), filePath);
    }

    private string Serialize()
    {
        var key = _key.ExportPkcs8PrivateKey();
        try
        {
            return PemBlock.Format([
                new PemBlock(CertificateLabel, Certificate.RawData),
                new PemBlock(PrivateKeyLabel, key),
                new PemBlock(SecretLabel, _secret)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static ClusterAuthority Deserialize(string text, string filePath, string what)
    {
        var blocks = PemBlock.ReadAll(text, what);
        if (blocks.Count != 3 || blocks[0].Label != CertificateLabel || blocks[1].Label != PrivateKeyLabel || blocks[2].Label != SecretLabel)
            throw new ClusterSecurityException($"{what} is damaged: expected the blocks {CertificateLabel}, {PrivateKeyLabel} and {SecretLabel}");
        X509Certificate2? certificate = null;
        ECDsa? key = null;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(blocks[0].Data);
            key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(blocks[1].Data, out _);
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                throw new ClusterSecurityException($"{what} is damaged: its private key does not belong to its CA certificate");
            if (certificate.Extensions["2.5.29.19"] is not X509BasicConstraintsExtension { CertificateAuthority: true })
                throw new ClusterSecurityException($"{what} is damaged: its certificate is not a CA");
            if (blocks[2].Data.Length != ClusterToken.SecretLength)
                throw new ClusterSecurityException($"{what} is damaged: the cluster secret is not {ClusterToken.SecretLength} bytes");
            return new ClusterAuthority(certificate, key, blocks[2].Data, filePath);
        }
        catch (CryptographicException e)
        {
            certificate?.Dispose();
            key?.Dispose();
            throw new ClusterSecurityException($"{what} is damaged: {e.Message}", e);
        }
        catch
        {
            certificate?.Dispose();
            key?.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blocks[1].Data);
        }
    }

    private static void RequireStrongKey(PublicKey key)
    {
        using var ecdsa = key.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            if (ecdsa.KeySize < 256)
                throw new ClusterSecurityException($"invalid certificate request: an ECDSA key of {ecdsa.KeySize} bits is too weak (256 at least)");
            return;
        }
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            if (rsa.KeySize < 2048)
                throw new ClusterSecurityException($"invalid certificate request: an RSA key of {rsa.KeySize} bits is too weak (2048 at least)");
            return;
        }
        throw new ClusterSecurityException("invalid certificate request: the key is neither ECDSA nor RSA");
    }

    private static string? CommonNameOf(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames()
            .Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.3")
            .Select(r => r.GetSingleElementValue())
            .FirstOrDefault();

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        // a positive INTEGER without a leading zero byte
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
