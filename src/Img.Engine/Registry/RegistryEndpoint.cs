using System.Net;

namespace Img.Engine.Registry;

/// <summary>
/// Where a registry's API lives. <see cref="Name"/> is the domain as references spell it
/// (<c>docker.io</c>, <c>127.0.0.1:5000</c>); <see cref="BaseUri"/> is the scheme and host the
/// client talks to (<c>https://registry-1.docker.io</c>). Loopback hosts get plain HTTP unless
/// they have a certs.d directory (which says they serve TLS); everything else is HTTPS.
/// <see cref="Insecure"/> is docker's insecure registry: the server certificate is not verified,
/// and a server that does not speak TLS is spoken to in plain HTTP. A loopback registry with a
/// certs.d directory is verified like any other unless it is listed as insecure: the directory is
/// there to be used.
/// </summary>
public sealed record RegistryEndpoint(string Name, Uri BaseUri, bool Insecure = false)
{
    public const string DockerHub = "docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";

    public bool IsPlainHttp => BaseUri.Scheme == Uri.UriSchemeHttp;

    /// <param name="certsDirectory">The certs.d root; a directory there for the registry makes a loopback registry HTTPS.</param>
    public static RegistryEndpoint Resolve(string registry, IEnumerable<string>? insecureRegistries = null,
        string? certsDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(registry) || registry.Contains('/') || registry.Contains("://"))
            throw new ArgumentException($"invalid registry host \"{registry}\"", nameof(registry));
        var name = IsDockerHub(registry) ? DockerHub : registry.ToLowerInvariant();
        var apiHost = name == DockerHub ? DockerHubApiHost : name;
        var listed = (insecureRegistries ?? []).Any(h => MatchesInsecure(h, name));
        if (IsLoopback(name) && !Tls.HostCertificates.Exist(certsDirectory, name))
            return new RegistryEndpoint(name, new Uri($"http://{apiHost}/"), Insecure: true);
        return new RegistryEndpoint(name, new Uri($"https://{apiHost}/"), Insecure: listed);
    }

    /// <summary>Loopback, or listed as insecure: where plain HTTP may carry images and credentials.</summary>
    public static bool MayUsePlainHttp(string registry, IEnumerable<string>? insecureRegistries) =>
        IsLoopback(registry) || (insecureRegistries ?? []).Any(h => MatchesInsecure(h, registry.ToLowerInvariant()));

    /// <summary>The same endpoint in plain HTTP: where an insecure registry goes when it does not speak TLS.</summary>
    public RegistryEndpoint AsPlainHttp() => this with { BaseUri = new UriBuilder(BaseUri) { Scheme = Uri.UriSchemeHttp, Port = BaseUri.IsDefaultPort ? -1 : BaseUri.Port }.Uri };

    public static bool IsDockerHub(string registry) =>
        registry.ToLowerInvariant() is DockerHub or "index.docker.io" or DockerHubApiHost;

    /// <summary>True for <c>localhost</c>, 127.0.0.0/8 and ::1, with or without a port.</summary>
    public static bool IsLoopback(string registry)
    {
        var host = HostWithoutPort(registry);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    internal static string HostWithoutPort(string registry)
    {
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']');
            return close > 0 ? registry[1..close] : registry;
        }
        var colon = registry.LastIndexOf(':');
        // More than one colon without brackets: a bare IPv6 address, no port.
        if (colon > 0 && registry.IndexOf(':') == colon) return registry[..colon];
        return registry;
    }

    private static bool MatchesInsecure(string entry, string name)
    {
        var e = entry.Trim().ToLowerInvariant();
        if (e.StartsWith("http://")) e = e[7..];
        else if (e.StartsWith("https://")) e = e[8..];
        e = e.TrimEnd('/');
        if (e == name || e == HostWithoutPort(name)) return true;
        // CIDR entries, as dockerd's --insecure-registry accepts them.
        var slash = e.IndexOf('/');
        if (slash > 0 && IPAddress.TryParse(HostWithoutPort(name), out var ip)
            && IPNetwork.TryParse(e, out var network))
            return network.Contains(ip);
        return false;
    }
}
