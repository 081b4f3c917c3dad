namespace Img.Engine.Content;

/// <summary>
/// Adds blobs. Lifecycle: <see cref="OpenWriterAsync"/> → write to <see cref="IContentWriter.Stream"/>
/// → <see cref="IContentWriter.CommitAsync"/> (verify, fsync, atomic rename) or dispose without
/// committing (abort, the partial data is deleted).
/// </summary>
public interface IContentIngester
{
    /// <summary>Starts an ingest. Any number of writers may run at once, even for the same blob.</summary>
    ValueTask<IContentWriter> OpenWriterAsync(CancellationToken cancellationToken = default);
}
