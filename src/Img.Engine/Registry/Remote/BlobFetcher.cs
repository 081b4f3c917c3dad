using System.Net;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry.Auth;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// containerd's fetcher for blobs: <c>HEAD</c> to ask whether a repository has one, <c>GET</c> to
/// stream it out. Every byte is checked against the descriptor's size and digest, here or by the
/// content store's commit; nothing unverified is ever kept.
/// </summary>
internal sealed class BlobFetcher(RegistryTransport transport)
{
    private const int CopyBufferSize = 128 * 1024;

    public async Task<bool> ExistsAsync(string repository, string digest, IReadOnlyList<string> scopes, CancellationToken ct)
    {
        var subject = transport.Subject(repository, digest);
        using var response = await transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Head, transport.ApiUri($"v2/{repository}/blobs/{digest}")),
            scopes, subject, idempotent: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Downloads into the content store: the bytes go to an ingest writer committed only if digest
    /// and size match. A connection lost mid-body restarts into a fresh writer, bounded by
    /// <see cref="RegistryClientOptions.MaxAttempts"/>.
    /// </summary>
    public async Task<ContentInfo> IngestAsync(string repository, Descriptor blob, IContentIngester ingester, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IngestOnceAsync(repository, blob, ingester, ct).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unavailable && attempt < transport.Retry.MaxAttempts)
            {
                await transport.Retry.DelayAsync(transport.Retry.Backoff(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<ContentInfo> IngestOnceAsync(string repository, Descriptor blob, IContentIngester ingester, CancellationToken ct)
    {
        var expected = Digest.Parse(blob.Digest);
        await using var writer = await ingester.OpenWriterAsync(ct).ConfigureAwait(false);
        await DownloadAsync(repository, blob, writer.Stream, hashHere: false, ct).ConfigureAwait(false);
        try
        {
            return await writer.CommitAsync(expected, blob.Size, ct).ConfigureAwait(false);
        }
        catch (ContentVerificationException e)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"digest mismatch for {transport.Subject(repository, blob.Digest)}: {e.Message}", inner: e);
        }
    }

    /// <param name="hashHere">
    /// False when <paramref name="destination"/> is a content-store ingest, whose commit checks the
    /// digest: hashing here too would cost a second sha256 pass over every byte.
    /// </param>
    public async Task<long> DownloadAsync(string repository, Descriptor blob, Stream destination, bool hashHere, CancellationToken ct)
    {
        var subject = transport.Subject(repository, blob.Digest);
        var expected = Digest.Parse(blob.Digest);
        using var hash = hashHere ? new DigestHasher() : null;
        using var response = await transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, transport.ApiUri($"v2/{repository}/blobs/{blob.Digest}")),
            [AuthScope.Pull(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrors.FromResponseAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
        if (blob.Size >= 0 && response.Content.Headers.ContentLength is { } announced && announced != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: expected {blob.Size} bytes, registry announced {announced}");

        await using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[CopyBufferSize];
        long total = 0;
        while (true)
        {
            int n;
            try
            {
                n = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                throw new RegistryException(RegistryErrorKind.Unavailable,
                    $"connection lost while downloading {subject} after {total} bytes: {e.Message}", inner: e);
            }
            if (n == 0) break;
            total += n;
            if (blob.Size >= 0 && total > blob.Size)
                throw new RegistryException(RegistryErrorKind.DigestMismatch,
                    $"size mismatch for {subject}: more than the expected {blob.Size} bytes");
            hash?.Append(buffer.AsSpan(0, n));
            await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
        if (hash?.Digest is { } actual && actual != expected)
            throw RegistryErrors.DigestMismatch(subject, blob.Digest, actual.ToString());
        if (blob.Size >= 0 && total != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: expected {blob.Size} bytes, got {total}");
        return total;
    }
}
