using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// TLS settings for img's own endpoints (not Akka remoting): the coordinator's client endpoint
/// and the nodes' blob servers. TLS 1.3 only (every peer is img on .NET). A refused peer
/// fails the handshake with a <see cref="ClusterSecurityException"/> that says why: thrown by
/// AuthenticateAsServerAsync/AuthenticateAsClientAsync, or as the inner exception of an
/// HttpRequestException.
/// </summary>
/// <remarks>
/// Clients check the host they dialled against the certificate's subject alternative names,
/// IP addresses included: a member certificate names the addresses it serves on
/// (<see cref="MemberHosts.Collect"/>), so a check costs nothing and keeps one member from
/// answering for another's address. Servers do not check names of client certificates: clients
/// dial from any address.
/// </remarks>
public static class ClusterTls
{
    /// <summary>
    /// A member's server: presents its member certificate. With
    /// <paramref name="requireClientCertificate"/> (blob servers, which only members use) the
    /// client must present a member certificate from the same CA; without it (the client
    /// endpoint) clients authenticate inside the connection with the cluster token.
    /// </summary>
    public static SslServerAuthenticationOptions ServerOptions(MemberCredentials member, bool requireClientCertificate)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = member.CertificateContext,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = requireClientCertificate,
        };
        if (requireClientCertificate)
        {
            var trust = member.Trust;
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                trust.Check(AsCertificate2(certificate), PeerUsage.Client) is { } reason
                    ? throw new ClusterSecurityException("refused a client that is not a member of this cluster: " + reason)
                    : true;
        }
        return options;
    }

    /// <summary>
    /// A client that holds only a token (the CLI, a joining member before it has credentials):
    /// trusts <paramref name="host"/> only if its certificate was issued by the CA the token
    /// pins and names <paramref name="host"/>. The CA comes inside the server's certificate
    /// (see <see cref="EmbeddedAuthority"/>) and counts only when its fingerprint is the token's.
    /// </summary>
    public static SslClientAuthenticationOptions TokenClientOptions(ClusterToken token, string host)
    {
        var target = Bare(host);
        return new SslClientAuthenticationOptions
        {
            TargetHost = target,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (sender, certificate, _, _) =>
            {
                var dialled = TargetOf(sender, target);
                var leaf = AsCertificate2(certificate)
                    ?? throw Refused(dialled, "it presented no certificate");
                using var authority = EmbeddedAuthority.Find(leaf)
                    ?? throw Refused(dialled, "its certificate was not issued by an img cluster");
                if (!token.Pins(authority))
                    throw Refused(dialled,
                        $"its certificate is from another cluster (CA sha256 {ClusterToken.FingerprintOf(authority)}, the token pins {token.AuthorityFingerprint})");
                return new ClusterTrust(authority).Check(leaf, PeerUsage.Server, dialled) is { } reason
                    ? throw Refused(dialled, reason)
                    : true;
            },
        };
    }

    /// <summary>
    /// A member dialling another member (blob fetches): presents its member certificate and
    /// trusts the server only if the cluster CA issued its certificate and it names the host
    /// dialled. <paramref name="host"/> may be null when the caller sets the target per
    /// connection (<see cref="CreateMemberHttpHandler"/>).
    /// </summary>
    public static SslClientAuthenticationOptions MemberClientOptions(MemberCredentials member, string? host)
    {
        var target = host is null ? null : Bare(host);
        var trust = member.Trust;
        return new SslClientAuthenticationOptions
        {
            TargetHost = target,
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateContext = member.CertificateContext,
            RemoteCertificateValidationCallback = (sender, certificate, _, _) =>
            {
                var dialled = TargetOf(sender, target);
                return trust.Check(AsCertificate2(certificate), PeerUsage.Server, dialled) is { } reason
                    ? throw Refused(dialled, reason)
                    : true;
            },
        };
    }

    /// <summary>
    /// TLS as a token client over <paramref name="inner"/> (fits <c>ClusterClientOptions.Secure</c>):
    /// the stream returned has checked the server with <see cref="TokenClientOptions"/>; only
    /// then may the token be sent. On failure <paramref name="inner"/> is closed.
    /// </summary>
    public static async Task<Stream> AuthenticateAsTokenClientAsync(Stream inner, ClusterToken token, string host, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(TokenClientOptions(token, host), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// TLS as a member's server over <paramref name="inner"/> (<see cref="ServerOptions"/>); on
    /// failure <paramref name="inner"/> is closed and the exception says why.
    /// </summary>
    public static async Task<SslStream> AuthenticateAsServerAsync(Stream inner, MemberCredentials member, bool requireClientCertificate, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(ServerOptions(member, requireClientCertificate), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An HTTP handler for member-to-member HTTPS (<see cref="MemberClientOptions"/> for every
    /// connection). The caller owns it; one per process is enough, as with any HttpClient.
    /// </summary>
    public static SocketsHttpHandler CreateMemberHttpHandler(MemberCredentials member) => new()
    {
        SslOptions = MemberClientOptions(member, host: null),
    };

    private static string TargetOf(object sender, string? configured) =>
        (sender as SslStream)?.TargetHostName is { Length: > 0 } fromStream
            ? Bare(fromStream)
            : configured ?? throw new ClusterSecurityException("a TLS client needs the host it dials to check the server's certificate");

    private static string Bare(string host) =>
        host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    private static X509Certificate2? AsCertificate2(X509Certificate? certificate) =>
        certificate switch
        {
            null => null,
            X509Certificate2 c => c,
            _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
        };

    private static ClusterSecurityException Refused(string host, string reason) =>
        new($"{host} is not a member of this img cluster: {reason}");
}
