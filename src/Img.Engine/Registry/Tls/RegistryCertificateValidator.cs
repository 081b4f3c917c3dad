using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Img.Engine.Registry.Tls;

/// <summary>
/// Decides whether a registry's server certificate is trusted, as docker does: the system roots
/// plus the <c>*.crt</c> CAs of the registry's certs.d directory; anything for an insecure
/// registry. A refusal is remembered in Go's words (<see cref="LastFailure"/>,
/// <c>x509: certificate signed by unknown authority</c>) because the exception .NET throws for a
/// failed handshake only says that it failed.
/// </summary>
internal sealed class RegistryCertificateValidator(RegistryEndpoint endpoint, HostCertificates? certificates)
{
    private volatile string? _lastFailure;

    /// <summary>Why the last refused certificate was refused; null when none was.</summary>
    public string? LastFailure => _lastFailure;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (endpoint.Insecure || errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("tls: the registry sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"x509: certificate is not valid for {RegistryEndpoint.HostWithoutPort(endpoint.Name)}");
        // Only chain errors are left: the registry's own CAs may anchor what the system roots do not.
        var status = BuildWithRegistryAuthorities(certificate, chain);
        if (status.Length == 0) return true;
        return Refuse(Describe(status));
    }

    private X509ChainStatusFlags[] BuildWithRegistryAuthorities(X509Certificate certificate, X509Chain? presented)
    {
        if (certificate is not X509Certificate2 leaf || certificates is null || certificates.Authorities.Count == 0)
            return presented?.ChainStatus.Select(s => s.Status).ToArray() is { Length: > 0 } s ? s : [X509ChainStatusFlags.UntrustedRoot];
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(certificates.Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(leaf) ? [] : chain.ChainStatus.Select(s => s.Status).DefaultIfEmpty(X509ChainStatusFlags.UntrustedRoot).ToArray();
    }

    private static string Describe(X509ChainStatusFlags[] status)
    {
        if (status.Any(s => s is X509ChainStatusFlags.NotTimeValid))
            return "x509: certificate has expired or is not yet valid";
        if (status.Any(s => s is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
            return "x509: certificate signed by unknown authority";
        return "x509: certificate not trusted (" + string.Join(", ", status) + ")";
    }

    private bool Refuse(string why)
    {
        _lastFailure = why;
        return false;
    }
}
