namespace Img.Engine.Transfer;

/// <summary>Settings of a <see cref="ResultFetcher"/>.</summary>
public sealed record ResultFetcherOptions
{
    /// <summary>
    /// Blobs downloaded at the same time, over every fetch of the fetcher. Layers are unpacked
    /// bottom first while the ones above are still downloading.
    /// </summary>
    public int MaxConcurrentDownloads { get; init; } = 4;
}
