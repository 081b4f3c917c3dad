using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// The context files one client connection is sending, by request: each file's chunks are
/// written straight into the coordinator's content store (committed only when the bytes match
/// the digest they were asked for), so a node fetches them from the coordinator's blob server.
/// Chunks arrive on the connection's read loop, one file after the other.
/// </summary>
public sealed class ContextUploads(IContentStore content)
{
    private readonly ConcurrentDictionary<long, Upload> _uploads = new();

    /// <summary>Expects the files of <paramref name="digests"/> under <paramref name="requestId"/>; completes when all are stored.</summary>
    public Task ExpectAsync(long requestId, IReadOnlyCollection<string> digests)
    {
        var upload = new Upload(digests);
        _uploads[requestId] = upload;
        if (digests.Count == 0)
            upload.Done.TrySetResult();
        return upload.Done.Task;
    }

    /// <summary>Writes one chunk; a file that fails (the client's error, a digest mismatch) fails the request.</summary>
    public async Task OnChunkAsync(ContextFileChunk chunk, CancellationToken cancellationToken)
    {
        if (!_uploads.TryGetValue(chunk.RequestId, out var upload))
            return;
        try
        {
            if (chunk.Error.Length > 0)
                throw new IOException($"the client could not send {chunk.Digest}: {chunk.Error}");
            if (!upload.Expected.Contains(chunk.Digest))
                throw new InvalidDataException($"the client sent {chunk.Digest}, which was not asked for");
            upload.Writer ??= await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            await upload.Writer.Stream.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
            if (!chunk.Last)
                return;
            var writer = upload.Writer;
            upload.Writer = null;
            await using (writer)
                await writer.CommitAsync(Digest.Parse(chunk.Digest), null, cancellationToken).ConfigureAwait(false);
            upload.Expected.Remove(chunk.Digest);
            if (upload.Expected.Count == 0 && _uploads.TryRemove(chunk.RequestId, out _))
                upload.Done.TrySetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ContentVerificationException or InvalidDigestException)
        {
            Fail(chunk.RequestId, e);
        }
    }

    /// <summary>The connection closed: every upload still open fails.</summary>
    public void FailAll(Exception error)
    {
        foreach (var id in _uploads.Keys)
            Fail(id, error);
    }

    private void Fail(long requestId, Exception error)
    {
        if (!_uploads.TryRemove(requestId, out var upload))
            return;
        upload.Writer?.Dispose();
        upload.Done.TrySetException(error);
    }

    private sealed class Upload(IReadOnlyCollection<string> digests)
    {
        public HashSet<string> Expected { get; } = new(digests, StringComparer.Ordinal);
        public IContentWriter? Writer { get; set; }
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
