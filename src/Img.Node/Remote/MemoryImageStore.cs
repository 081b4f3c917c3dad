using System.Collections.Concurrent;
using Img.Engine.Images;

namespace Img.Node.Remote;

/// <summary>Image names held in memory: what a node pushes for a client is named for that push only, never in the node's own store.</summary>
public sealed class MemoryImageStore : IImageStore
{
    private readonly ConcurrentDictionary<string, Image> _images = new(StringComparer.Ordinal);

    public ValueTask<Image?> GetAsync(string name, CancellationToken cancellationToken = default) => new(_images.GetValueOrDefault(name));

    public ValueTask<IReadOnlyList<Image>> ListAsync(CancellationToken cancellationToken = default) => new([.. _images.Values]);

    public ValueTask<Image> PutAsync(Image image, CancellationToken cancellationToken = default)
    {
        _images[image.Name] = image;
        return new(image);
    }

    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => new(_images.TryRemove(name, out _));
}
