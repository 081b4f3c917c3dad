using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Registry;

/// <summary>
/// What <see cref="ImagePuller"/> and <see cref="ImagePusher"/> share: the registry clients, the
/// local stores, the progress sink and the bounded parallel loop over a manifest's blobs.
/// </summary>
internal sealed class ImageTransfer
{
    private readonly int _parallelism;

    private readonly IProgress<TransferEvent>? _progress;

    public ImageTransfer(RegistryClients clients, IContentStore content, IImageStore images, IProgress<TransferEvent>? progress, int maxConcurrentBlobs)
    {
        Clients = clients;
        Content = content;
        Images = images;
        _progress = progress;
        _parallelism = Math.Max(1, maxConcurrentBlobs);
    }

    public RegistryClients Clients { get; }

    public IContentStore Content { get; }

    public IImageStore Images { get; }

    /// <summary>Tells the progress sink, if there is one.</summary>
    public void Report(TransferEvent progress) => _progress?.Report(progress);

    /// <summary>
    /// Runs <paramref name="transfer"/> once per distinct blob digest, in the given order, with at
    /// most the configured number at a time.
    /// </summary>
    public Task ForEachBlobAsync(IEnumerable<Descriptor> blobs, Func<Descriptor, CancellationToken, ValueTask> transfer, CancellationToken ct) =>
        Parallel.ForEachAsync(blobs.DistinctBy(d => d.Digest, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct }, transfer);
}
