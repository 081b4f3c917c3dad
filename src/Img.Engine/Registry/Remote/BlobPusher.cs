using System.Net;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry.Auth;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// containerd's pusher for blobs: makes a blob present in a repository with the least traffic.
/// Nothing if it is there (<c>HEAD</c>); a cross-repository mount (<c>POST ?mount=&amp;from=</c>)
/// when a source repository of this registry is known; otherwise a <see cref="BlobUpload"/>,
/// retried from the start as a whole on <see cref="RegistryErrorKind.Unavailable"/>. A failed
/// upload session is cancelled (best effort) so the registry can drop its partial bytes.
/// </summary>
internal sealed class BlobPusher(RegistryTransport transport, BlobFetcher fetcher)
{
    /// <param name="open">May be called more than once: a retried upload reads the content again.</param>
    public async Task<BlobPushResult> PushAsync(string repository, Descriptor blob,
        Func<CancellationToken, Task<Stream>> open, string? mountFrom, CancellationToken ct)
    {
        var subject = transport.Subject(repository, blob.Digest);
        Digest.Parse(blob.Digest); // a malformed digest fails before any request
        var scopeList = new List<string> { AuthScope.PullPush(repository).ToString() };
        if (mountFrom is not null && mountFrom != repository) scopeList.Add(AuthScope.Pull(mountFrom).ToString());
        IReadOnlyList<string> scopes = AuthScope.Normalize(scopeList);

        if (await fetcher.ExistsAsync(repository, blob.Digest, scopes, ct).ConfigureAwait(false))
            return BlobPushResult.AlreadyExists;

        var upload = new BlobUpload(transport, blob, scopes, subject);
        for (var attempt = 1; ; attempt++)
        {
            Uri? location = null;
            try
            {
                Uri? started;
                (started, var mounted) = await StartAsync(repository, blob.Digest,
                    mountFrom != repository ? mountFrom : null, scopes, subject, ct).ConfigureAwait(false);
                if (mounted) return BlobPushResult.Mounted;
                location = started!;
                await using var content = await open(ct).ConfigureAwait(false);
                if (blob.Size <= transport.Options.MonolithicUploadLimit)
                    await upload.SendMonolithicAsync(location, content, ct).ConfigureAwait(false);
                else
                    await upload.SendChunkedAsync(location, content, ct).ConfigureAwait(false);
                return BlobPushResult.Uploaded;
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unavailable && attempt < transport.Retry.MaxAttempts)
            {
                await upload.CancelAsync(location).ConfigureAwait(false);
                await transport.Retry.DelayAsync(transport.Retry.Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch
            {
                await upload.CancelAsync(location).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary><c>POST</c> that opens an upload session, or mounts when <paramref name="mountFrom"/> has the blob (201).</summary>
    private async Task<(Uri? Location, bool Mounted)> StartAsync(string repository, string digest, string? mountFrom,
        IReadOnlyList<string> scopes, string subject, CancellationToken ct)
    {
        var path = $"v2/{repository}/blobs/uploads/";
        if (mountFrom is not null)
            path += $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}";
        using var response = await transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, transport.ApiUri(path))
        {
            Content = new ByteArrayContent([]),
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created)
            return (null, true);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.NameUnknown, ct).ConfigureAwait(false);
        return (BlobUpload.Location(response, transport.Endpoint, subject), false);
    }
}
