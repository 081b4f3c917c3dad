using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Engine.Registry;

/// <summary>
/// What <see cref="ImagePuller"/> and <see cref="ImagePusher"/> share: the registry clients, the
/// local stores, the progress writer (synchronized, since blobs move in parallel) and the bounded
/// parallel loop over a manifest's blobs.
/// </summary>
internal sealed class ImageTransfer
{
    private readonly int _parallelism;

    public ImageTransfer(RegistryClients clients, IContentStore content, IImageStore images, TextWriter? output, int maxConcurrentBlobs)
    {
        Clients = clients;
        Content = content;
        Images = images;
        Output = TextWriter.Synchronized(output ?? TextWriter.Null);
        _parallelism = Math.Max(1, maxConcurrentBlobs);
    }

    public RegistryClients Clients { get; }

    public IContentStore Content { get; }

    public IImageStore Images { get; }

    /// <summary>docker's progress lines go here; <see cref="TextWriter.Null"/> when none was given.</summary>
    public TextWriter Output { get; }

    /// <summary>
    /// Runs <paramref name="transfer"/> once per distinct blob digest, in the given order, with at
    /// most the configured number at a time.
    /// </summary>
    public Task ForEachBlobAsync(IEnumerable<Descriptor> blobs, Func<Descriptor, CancellationToken, ValueTask> transfer, CancellationToken ct) =>
        Parallel.ForEachAsync(blobs.DistinctBy(d => d.Digest, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = ct }, transfer);

    /// <summary>The 12-character id docker prints for a blob.</summary>
    public static string ShortId(Descriptor blob) => Digest.Parse(blob.Digest).ShortId;
}
