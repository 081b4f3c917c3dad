using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// A member certificate carries the certificate of the CA that issued it, in a private
/// non-critical extension. A client that holds only a token (the CA's fingerprint) needs the CA
/// itself to check the server's signature, and TLS cannot bring it: SslStream never sends a
/// self-signed root (SslStreamCertificateContext drops it from the chain it sends). Inside the
/// signed leaf it arrives with every handshake; the client believes it only when its
/// fingerprint is the token's, and then checks the leaf against it like any other chain.
/// </summary>
internal static class EmbeddedAuthority
{
    /// <summary>A UUID-based OID (X.667 arc 2.25), which needs no registration.</summary>
    public const string Oid = "2.25.321781153160355259087049465901469005747";

    public static X509Extension Create(X509Certificate2 authority) => new(Oid, authority.RawData, critical: false);

    /// <summary>The CA certificate inside <paramref name="leaf"/>, or null when it has none or it does not parse.</summary>
    public static X509Certificate2? Find(X509Certificate2 leaf)
    {
        var extension = leaf.Extensions[Oid];
        if (extension is null)
            return null;
        try
        {
            return X509CertificateLoader.LoadCertificate(extension.RawData);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
