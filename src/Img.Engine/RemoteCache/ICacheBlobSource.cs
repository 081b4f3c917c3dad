using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// A cache's storage (a registry repository, an OCI layout directory) as its importer reads it:
/// blobs fetched into a content store (<see cref="IBlobSource"/>), presence checks, and small
/// documents read into memory.
/// </summary>
public interface ICacheBlobSource : IBlobSource
{
    /// <summary>Whether the cache holds the blob (a HEAD, a file's existence and size).</summary>
    Task<bool> ExistsAsync(Descriptor blob, CancellationToken ct);

    /// <summary>A small blob (manifest, config, description), verified against its digest.</summary>
    /// <exception cref="InvalidDataException">Larger than <paramref name="maxSize"/>, or not what its digest says.</exception>
    Task<byte[]> ReadAsync(Descriptor blob, int maxSize, CancellationToken ct);
}
