namespace Img.Engine.Content;

/// <summary>Inspects and removes committed blobs.</summary>
public interface IContentManager
{
    /// <summary>Information on a blob, or null when it is not in the store.</summary>
    ValueTask<ContentInfo?> InfoAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>True when the blob is in the store.</summary>
    ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Every committed blob, in no particular order.</summary>
    IAsyncEnumerable<ContentInfo> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a blob; false when it was not there. Open readers keep working.</summary>
    ValueTask<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default);
}
