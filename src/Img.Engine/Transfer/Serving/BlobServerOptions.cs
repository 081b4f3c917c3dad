using System.Net;
using System.Net.Security;

namespace Img.Engine.Transfer.Serving;

/// <summary>Settings of a <see cref="BlobServer"/>.</summary>
public sealed record BlobServerOptions
{
    /// <summary>Address and port to listen on; port 0 lets the system pick (see <see cref="BlobServer.EndPoint"/>).</summary>
    public IPEndPoint Bind { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>
    /// TLS for every connection (HTTPS); null = plain HTTP. For mutual TLS set
    /// <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/> and a
    /// <see cref="SslServerAuthenticationOptions.RemoteCertificateValidationCallback"/> that accepts
    /// the cluster CA's certificates only: a client without one never gets past the handshake.
    /// </summary>
    public SslServerAuthenticationOptions? Tls { get; init; }

    /// <summary>Per-request check (a token, the client certificate's subject); null = every request that got this far is served.</summary>
    public BlobAuthorizer? Authorize { get; init; }

    /// <summary>
    /// The <c>WWW-Authenticate</c> challenge of a 401. Basic makes <c>RegistryClient</c> answer
    /// with the credentials of its <c>ICredentialStore</c> (see <see cref="BlobServerAuthorization.SharedSecret"/>).
    /// </summary>
    public string Challenge { get; init; } = "Basic realm=\"img\"";

    /// <summary>Size of the buffers blobs are copied through (two per download in flight).</summary>
    public int BufferSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Longest wait for a TLS handshake or for a request's head, idle keep-alive time included:
    /// a connection that sends nothing for this long is closed.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; more are closed as soon as they are accepted.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Largest request head (request line and header fields) read; larger ones get 431.</summary>
    public int MaxRequestHeadBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// Told of a connection that ended on an unexpected error (a throwing authorizer, a failing
    /// store); the connection is closed, the server goes on. Client disconnects and timeouts are not errors.
    /// </summary>
    public Action<Exception>? OnConnectionError { get; init; }
}
