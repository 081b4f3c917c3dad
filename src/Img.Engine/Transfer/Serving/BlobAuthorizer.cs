namespace Img.Engine.Transfer.Serving;

/// <summary>
/// Decides whether a <see cref="BlobServer"/> serves a request (every request, the <c>/v2/</c>
/// ping included). Runs after the TLS handshake, so with mutual TLS it can also look at the
/// client's certificate.
/// </summary>
public delegate ValueTask<BlobAccess> BlobAuthorizer(BlobServerRequest request, CancellationToken ct);
