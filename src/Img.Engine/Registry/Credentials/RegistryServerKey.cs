namespace Img.Engine.Registry.Credentials;

/// <summary>
/// How config.json and credential helpers name a registry. Docker Hub is
/// <c>https://index.docker.io/v1/</c> for historical reasons; other registries are their host
/// (with port). Keys written by older tools may carry a scheme or a path, so lookups compare the
/// host part only.
/// </summary>
public static class RegistryServerKey
{
    public const string DockerHubKey = "https://index.docker.io/v1/";

    /// <summary>The key to write for <paramref name="registry"/> (a reference domain).</summary>
    public static string For(string registry) =>
        RegistryEndpoint.IsDockerHub(registry) ? DockerHubKey : registry.ToLowerInvariant();

    /// <summary>The host part of a key: no scheme, no path; Docker Hub aliases fold to <c>docker.io</c>.</summary>
    public static string Hostname(string key)
    {
        var k = key.Trim();
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) k = k[(scheme + 3)..];
        var slash = k.IndexOf('/');
        if (slash >= 0) k = k[..slash];
        k = k.ToLowerInvariant();
        return RegistryEndpoint.IsDockerHub(k) ? RegistryEndpoint.DockerHub : k;
    }

    public static bool Matches(string key, string registry) => Hostname(key) == Hostname(registry);
}
