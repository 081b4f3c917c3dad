using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// Decides whether a peer's certificate belongs to the cluster: issued directly by the cluster
/// CA (and by nothing the system trusts), currently valid, not itself a CA, good for the usage
/// asked for, and (when a host is given) naming that host among its subject alternative names.
/// Every TLS endpoint of img (Akka remoting, the client endpoint, blob fetches) asks it.
/// </summary>
public sealed class ClusterTrust
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public ClusterTrust(X509Certificate2 authority)
    {
        Authority = authority;
        AuthorityFingerprint = ClusterToken.FingerprintOf(authority);
    }

    /// <summary>The cluster CA's certificate (public part only).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>SHA-256 of <see cref="Authority"/> (the fingerprint a token pins).</summary>
    public string AuthorityFingerprint { get; }

    /// <summary>
    /// Null when <paramref name="peer"/> is a cluster certificate for <paramref name="usage"/>
    /// (and names <paramref name="host"/>, when given); otherwise the reason, for a log line or
    /// an error message. <paramref name="at"/> replaces the current time.
    /// </summary>
    public string? Check(X509Certificate2? peer, PeerUsage usage, string? host = null, DateTimeOffset? at = null)
    {
        if (peer is null)
            return "it presented no certificate";
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(Authority);
        // the cluster CA publishes no revocation lists; members are removed by a new CA
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (at is { } time)
            policy.VerificationTime = time.UtcDateTime;
        try
        {
            if (!chain.Build(peer))
                return "its certificate " + Describe(chain.ChainStatus);
            var elements = chain.ChainElements;
            // img issues leaves straight from the CA: anything longer came from elsewhere
            if (elements.Count != 2 || !elements[1].Certificate.RawData.AsSpan().SequenceEqual(Authority.RawData))
                return "its certificate is not issued by this cluster's CA";
        }
        finally
        {
            foreach (var element in chain.ChainElements)
                element.Certificate.Dispose();
        }
        if (peer.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true })
            return "it presented a CA certificate instead of a member certificate";
        var usages = peer.Extensions["2.5.29.37"] as X509EnhancedKeyUsageExtension;
        if (usage.HasFlag(PeerUsage.Server) && !HasUsage(usages, ServerAuthOid))
            return "its certificate is not valid for TLS servers";
        if (usage.HasFlag(PeerUsage.Client) && !HasUsage(usages, ClientAuthOid))
            return "its certificate is not valid for TLS clients";
        if (host is not null && !Names(peer, host))
            return $"its certificate does not name {host} (it names {string.Join(", ", MemberHosts.Of(peer))})";
        return null;
    }

    private static bool HasUsage(X509EnhancedKeyUsageExtension? usages, string oid) =>
        usages is not null && usages.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == oid);

    private static bool Names(X509Certificate2 peer, string host)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (bare.Length == 0)
            return false;
        // IP addresses match IP entries only, names match DNS entries only; no wildcards, no CN
        if (MemberHosts.TryParseAddress(bare, out var address))
            return MemberHosts.Of(peer).Any(h => IPAddress.TryParse(h, out var a) && a.Equals(address));
        return MemberHosts.Of(peer).Any(h => string.Equals(h, bare.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
    }

    private static string Describe(X509ChainStatus[] statuses)
    {
        var flags = statuses.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            return "is not issued by this cluster's CA";
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            return "has expired or is not valid yet";
        if ((flags & X509ChainStatusFlags.NotSignatureValid) != 0)
            return "has an invalid signature";
        return "does not validate (" + flags + ")";
    }
}
