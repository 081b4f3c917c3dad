using System.Net;
using System.Net.Http.Headers;
using Img.Engine.Oci;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// The bytes of one blob sent into an open upload session (a <c>Location</c> from the POST):
/// monolithic (one <c>PUT ?digest=</c> with the body) or chunked (<c>PATCH</c>es with
/// <c>Content-Range</c>, then an empty <c>PUT ?digest=</c>); the registry's 201 and its
/// <c>Docker-Content-Digest</c> are checked. <see cref="CancelAsync"/> abandons a session.
/// </summary>
internal sealed class BlobUpload(RegistryTransport transport, Descriptor blob, IReadOnlyList<string> scopes, string subject)
{
    private const string OctetStream = "application/octet-stream";

    public async Task SendMonolithicAsync(Uri location, Stream content, CancellationToken ct)
    {
        var used = false;
        using var response = await transport.SendAsync(() =>
        {
            // The stream can be sent once; an auth retry (the only resend here) happens before the
            // body is read, because a 401 on PUT comes only if the POST before it was unauthorized.
            if (used) throw new RegistryException(RegistryErrorKind.Unauthorized, $"unauthorized: authentication required: {subject}");
            used = true;
            var body = new StreamContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
            body.Headers.ContentLength = blob.Size;
            return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = body };
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        await CheckCommittedAsync(response, ct).ConfigureAwait(false);
    }

    public async Task SendChunkedAsync(Uri location, Stream content, CancellationToken ct)
    {
        var buffer = new byte[transport.Options.ChunkSize];
        long offset = 0;
        while (true)
        {
            var n = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n == 0) break;
            var start = offset;
            var current = location;
            using var response = await transport.SendAsync(() =>
            {
                var body = new ByteArrayContent(buffer, 0, n);
                body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                // distribution wants "start-end" (inclusive), without the "bytes " unit of RFC 9110.
                body.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + n - 1}");
                return new HttpRequestMessage(HttpMethod.Patch, current) { Content = body };
            }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
            location = Location(response, transport.Endpoint, subject);
            offset += n;
        }
        if (offset != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: descriptor says {blob.Size} bytes, content had {offset}");
        using var done = await transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest))
        {
            Content = new ByteArrayContent([]),
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        await CheckCommittedAsync(done, ct).ConfigureAwait(false);
    }

    /// <summary>Best effort <c>DELETE</c> of the session: the registry purges abandoned uploads itself anyway.</summary>
    public async Task CancelAsync(Uri? location)
    {
        if (location is null) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, location),
                scopes, subject, idempotent: false, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>The session URI a POST or PATCH answered with, made absolute.</summary>
    public static Uri Location(HttpResponseMessage response, RegistryEndpoint endpoint, string subject)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException(RegistryErrorKind.Protocol, $"registry sent no upload Location for {subject}");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? endpoint.BaseUri, location);
    }

    private async Task CheckCommittedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var error = await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
            if (error.ErrorCode is "DIGEST_INVALID" or "SIZE_INVALID")
                throw new RegistryException(RegistryErrorKind.DigestMismatch,
                    $"digest mismatch: registry rejected the upload of {subject}: the content does not match the digest",
                    response.StatusCode, error.ErrorCode, error);
            throw error;
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } echoed
            && echoed != blob.Digest)
            throw RegistryErrors.DigestMismatch(subject, blob.Digest, echoed);
    }

    private static Uri WithDigest(Uri location, string digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        return builder.Uri;
    }
}
