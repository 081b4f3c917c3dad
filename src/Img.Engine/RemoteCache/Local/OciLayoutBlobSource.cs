using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache.Local;

/// <summary>
/// Blobs of an OCI layout directory (<c>blobs/sha256/HEX</c>, a <c>type=local</c> cache) as an
/// <see cref="IBlobSource"/>; each is verified by the content store's commit.
/// </summary>
public sealed class OciLayoutBlobSource(string directory) : ICacheBlobSource
{
    public string Directory => directory;

    /// <summary>Where the layout keeps a blob.</summary>
    public static string PathOf(string directory, Digest digest) => Path.Join(directory, "blobs", digest.Algorithm, digest.Hex);

    public async Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct)
    {
        var digest = Digest.Parse(blob.Digest);
        try
        {
            await using var file = new FileStream(PathOf(directory, digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return await destination.WriteBlobAsync(file, digest, blob.Size, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContentVerificationException && !ct.IsCancellationRequested)
        {
            throw new ResultUnavailableException(digest, [new BlobHolderFailure(directory, e is FileNotFoundException ? "no such blob" : e.Message)]);
        }
    }

    public Task<bool> ExistsAsync(Descriptor blob, CancellationToken ct)
    {
        var file = new FileInfo(PathOf(directory, Digest.Parse(blob.Digest)));
        return Task.FromResult(file.Exists && file.Length == blob.Size);
    }

    public async Task<byte[]> ReadAsync(Descriptor blob, int maxSize, CancellationToken ct)
    {
        if (blob.Size > maxSize)
            throw new InvalidDataException($"{directory}: blob {blob.Digest} is {blob.Size} bytes, more than the {maxSize} allowed");
        var digest = Digest.Parse(blob.Digest);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(PathOf(directory, digest), ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"{directory}: blob {blob.Digest} is missing", e);
        }
        if (bytes.LongLength != blob.Size || Digest.Compute(bytes) != digest)
            throw new InvalidDataException($"{directory}: blob {blob.Digest} does not match its digest");
        return bytes;
    }

    public override string ToString() => directory;
}
