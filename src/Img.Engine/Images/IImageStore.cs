namespace Img.Engine.Images;

/// <summary>
/// Named images (containerd's image store shape): a name is a canonical reference string
/// (<see cref="References.ImageReference.ToString"/>), its target a descriptor of a blob in
/// the content store. Tagging is <see cref="PutAsync"/> under a new name; <c>rmi</c> is
/// <see cref="DeleteAsync"/>, after which <see cref="GarbageCollector"/> frees the blobs no
/// other name (or extra root) reaches. Each operation is atomic: a reader sees the old or the
/// new record, never a partial one.
/// </summary>
public interface IImageStore
{
    /// <summary>The image with this exact name, or null.</summary>
    ValueTask<Image?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>All images, ordered by name.</summary>
    ValueTask<IReadOnlyList<Image>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces the image named <see cref="Image.Name"/>. <see cref="Image.CreatedAt"/>
    /// is kept from an existing record (else set to now), <see cref="Image.UpdatedAt"/> set to now.
    /// </summary>
    /// <returns>The stored record.</returns>
    /// <exception cref="ArgumentException">The name is not a canonical reference or the target digest is invalid.</exception>
    ValueTask<Image> PutAsync(Image image, CancellationToken cancellationToken = default);

    /// <summary>Removes the name; false when there was no such image. Blobs stay until garbage collection.</summary>
    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}
