using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// The host names and IP addresses a member certificate names (its subject alternative names).
/// Clients check the host they dialled against them, so a member's certificate must name every
/// address it is reached by: <see cref="Collect"/> gathers the usual ones.
/// </summary>
public static class MemberHosts
{
    /// <summary>At most this many names in one certificate.</summary>
    public const int Limit = 64;

    /// <summary>
    /// <paramref name="advertised"/> (the addresses given on the command line) first, then
    /// localhost, the loopback addresses, the machine's host name and the addresses of its
    /// interfaces that are up; without duplicates and without link-local IPv6 addresses (they
    /// need a zone, which no certificate can name).
    /// </summary>
    public static IReadOnlyList<string> Collect(IEnumerable<string> advertised)
    {
        var hosts = new List<string>(advertised);
        hosts.Add("localhost");
        hosts.Add(IPAddress.Loopback.ToString());
        hosts.Add(IPAddress.IPv6Loopback.ToString());
        var machine = Dns.GetHostName();
        if (!string.IsNullOrEmpty(machine))
            hosts.Add(machine);
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up)
                    continue;
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    var address = unicast.Address;
                    if (address.AddressFamily == AddressFamily.InterNetworkV6 && (address.IsIPv6LinkLocal || address.ScopeId != 0))
                        continue;
                    hosts.Add(address.ToString());
                }
            }
        }
        catch (NetworkInformationException)
        {
            // without interface information the advertised names and loopback still work
        }
        return Normalize(hosts.Where(h => !string.IsNullOrWhiteSpace(h)));
    }

    /// <summary>Checks and canonicalises host names and addresses; throws a <see cref="ClusterSecurityException"/> for a bad one.</summary>
    internal static IReadOnlyList<string> Normalize(IEnumerable<string> hosts)
    {
        var result = new List<string>();
        foreach (var host in hosts)
        {
            var normal = NormalizeOne(host);
            if (!result.Contains(normal, StringComparer.OrdinalIgnoreCase))
                result.Add(normal);
        }
        if (result.Count == 0)
            throw new ClusterSecurityException("a member certificate must name at least one host name or IP address");
        if (result.Count > Limit)
            throw new ClusterSecurityException($"a member certificate names at most {Limit} hosts, not {result.Count}");
        return result;
    }

    /// <summary>The DNS names and IP addresses <paramref name="certificate"/> names.</summary>
    internal static IReadOnlyList<string> Of(X509Certificate2 certificate) =>
        certificate.Extensions[SubjectAlternativeNameOid] is { } extension ? Of(extension) : [];

    /// <summary>The DNS names and IP addresses in a subject alternative name extension.</summary>
    internal static IReadOnlyList<string> Of(X509Extension extension)
    {
        var names = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
        return [.. names.EnumerateDnsNames(), .. names.EnumerateIPAddresses().Select(a => a.ToString())];
    }

    /// <summary>A subject alternative name extension naming <paramref name="hosts"/> (already normalised).</summary>
    internal static X509Extension Build(IEnumerable<string> hosts)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (TryParseAddress(host, out var address))
                builder.AddIpAddress(address);
            else
                builder.AddDnsName(host);
        }
        return builder.Build();
    }

    internal const string SubjectAlternativeNameOid = "2.5.29.17";

    /// <summary>
    /// An IPv6 address, or an IPv4 address in dotted-quad form: IPAddress.TryParse alone also
    /// takes "1234" and "10.1", which are more likely host names.
    /// </summary>
    internal static bool TryParseAddress(string host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (host.Contains(':'))
            return IPAddress.TryParse(host, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit))
            && IPAddress.TryParse(host, out address);
    }

    private static string NormalizeOne(string host)
    {
        var trimmed = host.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            trimmed = trimmed[1..^1];
        if (TryParseAddress(trimmed, out var address))
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
                throw new ClusterSecurityException($"host {host}: an address with a zone cannot be named in a certificate");
            return address.ToString();
        }
        var name = trimmed.TrimEnd('.').ToLowerInvariant();
        if (!IsDnsName(name))
            throw new ClusterSecurityException($"host {host} is neither an IP address nor a DNS name");
        return name;
    }

    private static bool IsDnsName(string name)
    {
        if (name.Length is 0 or > 253)
            return false;
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                return false;
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                return false;
        }
        return true;
    }
}
