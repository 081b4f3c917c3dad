using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Img.Engine.Transfer.Serving;

/// <summary>What a <see cref="BlobAuthorizer"/> sees of a request.</summary>
/// <param name="Method">The HTTP method, as sent.</param>
/// <param name="Path">The request target's path (no query), percent-decoded.</param>
/// <param name="Headers">Header fields by case-insensitive name; repeated fields joined with <c>", "</c>.</param>
/// <param name="Remote">The client's address.</param>
/// <param name="ClientCertificate">The certificate the client presented in the TLS handshake, if any.</param>
public sealed record BlobServerRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    IPEndPoint? Remote,
    X509Certificate? ClientCertificate)
{
    /// <summary>The <c>Authorization</c> header, if sent.</summary>
    public string? Authorization => Headers.GetValueOrDefault("Authorization");
}
