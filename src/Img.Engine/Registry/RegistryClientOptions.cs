using Img.Engine.Registry.Auth;
using Img.Engine.Registry.Credentials;

namespace Img.Engine.Registry;

/// <summary>Settings of a <see cref="RegistryClient"/>; the defaults suit the CLI.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>
    /// Hosts (or CIDRs) treated as docker's <c>--insecure-registry</c>: TLS without verifying the
    /// certificate, plain HTTP when the server does not speak TLS. Loopback always is.
    /// </summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    /// <summary>Where credentials come from; null means anonymous only.</summary>
    public ICredentialStore? Credentials { get; init; }
    /// <summary>Shared token cache; a private one is made when null.</summary>
    public TokenCache? TokenCache { get; init; }
    /// <summary>Attempts for network errors and 5xx (the first try included).</summary>
    public int MaxAttempts { get; init; } = 4;
    /// <summary>First retry delay; doubles per attempt, capped at <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Blobs up to this size go up in one PUT; bigger ones in PATCH chunks.</summary>
    public long MonolithicUploadLimit { get; init; } = 32L * 1024 * 1024;
    /// <summary>Size of one PATCH chunk.</summary>
    public int ChunkSize { get; init; } = 8 * 1024 * 1024;
    /// <summary>Largest manifest accepted (containerd uses the same bound).</summary>
    public int MaxManifestBytes { get; init; } = 4 * 1024 * 1024;
    public string UserAgent { get; init; } = "img/0.1";
    /// <summary>
    /// The certs.d root (<c>HOST[:PORT]/ca.crt</c>, <c>*.crt</c>, <c>client.cert</c> + <c>client.key</c>);
    /// null reads none. Default: <see cref="Tls.CertsDirectory.Default"/>. Unused with <see cref="Handler"/>.
    /// </summary>
    public string? CertsDirectory { get; init; } = Tls.CertsDirectory.Default;
    /// <summary>For tests: the HTTP stack under the client. Not disposed by the client.</summary>
    public HttpMessageHandler? Handler { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
