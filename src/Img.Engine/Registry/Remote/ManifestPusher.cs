using System.Net.Http.Headers;
using Img.Engine.Content;
using Img.Engine.Registry.Auth;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// Uploads manifests and indexes byte for byte under a tag or their digest, and checks that the
/// registry computed the same digest.
/// </summary>
internal sealed class ManifestPusher(RegistryTransport transport)
{
    public async Task<string> PutManifestAsync(string repository, string reference, ReadOnlyMemory<byte> content,
        string mediaType, CancellationToken ct)
    {
        var subject = transport.Subject(repository, reference);
        var digest = Digest.Compute(content.Span).ToString();
        if (RegistryTransport.IsDigestReference(reference) && Digest.Parse(reference).ToString() != digest)
            throw RegistryErrors.DigestMismatch(subject, reference, digest);
        using var response = await transport.SendAsync(() =>
        {
            var body = new ReadOnlyMemoryContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, transport.ApiUri($"v2/{repository}/manifests/{reference}")) { Content = body };
        }, [AuthScope.PullPush(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.ManifestUnknown, ct).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } echoed
            && Digest.TryParse(echoed, out var echoedDigest) && echoedDigest.ToString() != digest)
            throw RegistryErrors.DigestMismatch(subject, digest, echoed);
        return digest;
    }
}
