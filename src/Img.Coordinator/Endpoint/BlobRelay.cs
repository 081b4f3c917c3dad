using System.Net;
using System.Security.Cryptography;
using Img.Engine.Oci;
using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// Streams a blob a node holds to a client: read from the node's blob server, checked against
/// its digest on the way, sent as <see cref="BlobChunk"/>s. A mismatch ends the stream with an
/// error, so the client never commits the bytes.
/// </summary>
public static class BlobRelay
{
    public static async Task RelayAsync(HttpClient http, string endpoint, Descriptor blob, long requestId, Func<BlobChunk, bool> send, CancellationToken cancellationToken)
    {
        try
        {
            var url = endpoint.TrimEnd('/') + "/v2/_img/blobs/" + blob.Digest;
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new IOException($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ClientProtocol.ChunkBytes];
            while (true)
            {
                var filled = 0;
                int n;
                while (filled < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                    filled += n;
                if (filled == 0)
                    break;
                hash.AppendData(buffer, 0, filled);
                if (!send(new BlobChunk(requestId, buffer[..filled], false, "")))
                    return;
                if (filled < buffer.Length)
                    break;
            }
            var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            send(actual == blob.Digest
                ? new BlobChunk(requestId, [], true, "")
                : new BlobChunk(requestId, [], true, $"{blob.Digest}: the node sent bytes of {actual}"));
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TaskCanceledException)
        {
            send(new BlobChunk(requestId, [], true, $"{blob.Digest}: {e.Message}"));
        }
    }
}
