namespace Img.Engine.Content;

/// <summary>
/// An ingest in progress: bytes written to <see cref="Stream"/> go to a private temp file and
/// are hashed on the way. Nothing is visible to readers until <see cref="CommitAsync"/> succeeds.
/// Disposing an uncommitted writer deletes its temp file.
/// </summary>
public interface IContentWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The write-only stream to copy the blob into; owned by the writer.</summary>
    Stream Stream { get; }

    /// <summary>Bytes written so far.</summary>
    long BytesWritten { get; }

    /// <summary>Digest of the bytes written so far.</summary>
    Digest CurrentDigest { get; }

    /// <summary>
    /// Ends the ingest: checks the digest (and size) of what was written against the expected
    /// values when given, fsyncs, and renames the blob into place atomically. When the blob
    /// already exists the temp is dropped and the existing blob is reported.
    /// </summary>
    /// <exception cref="ContentVerificationException">
    /// The digest or size differs from the expected one; the temp file is deleted and nothing is stored.
    /// </exception>
    ValueTask<ContentInfo> CommitAsync(Digest? expectedDigest, long? expectedSize, CancellationToken cancellationToken = default);
}
