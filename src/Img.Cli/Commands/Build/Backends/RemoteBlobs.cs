using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Messages.Client;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// Brings blobs a cluster node holds into this client's content store through the coordinator
/// (<see cref="ReadBlob"/> answered with <see cref="BlobChunk"/>s); each is committed only if its
/// bytes match its digest, and blobs already here are not asked for.
/// </summary>
internal static class RemoteBlobs
{
    /// <returns>Whether the blob had to be fetched.</returns>
    public static async Task<bool> EnsureAsync(ClusterConnection connection, IContentStore content, Descriptor blob, string location, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(blob.Digest);
        if (await content.ExistsAsync(digest, cancellationToken))
            return false;
        var (id, answers) = connection.OpenRequest();
        try
        {
            connection.Send(new ReadBlob(id, blob, location));
            await using var writer = await content.OpenWriterAsync(cancellationToken);
            await foreach (var message in answers.ReadAllAsync(cancellationToken))
            {
                if (message is not BlobChunk chunk)
                    continue;
                if (chunk.Error.Length > 0)
                    throw new IOException("fetching the built image from the cluster: " + chunk.Error);
                await writer.Stream.WriteAsync(chunk.Data, cancellationToken);
                if (!chunk.Last)
                    continue;
                await writer.CommitAsync(digest, blob.Size, cancellationToken);
                return true;
            }
            throw new IOException($"fetching {blob.Digest} from the cluster: the connection closed");
        }
        finally
        {
            connection.CloseRequest(id);
        }
    }
}
