using Img.Engine.References;

namespace Img.Engine.Images;

/// <summary>Reference-typed conveniences over <see cref="IImageStore"/>.</summary>
public static class ImageStoreExtensions
{
    public static ValueTask<Image?> GetAsync(this IImageStore store, ImageReference reference, CancellationToken cancellationToken = default) =>
        store.GetAsync(reference.ToString(), cancellationToken);

    public static ValueTask<bool> DeleteAsync(this IImageStore store, ImageReference reference, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(reference.ToString(), cancellationToken);

    /// <summary>Points <paramref name="target"/>'s name at the same content as <paramref name="source"/> (<c>img tag</c>).</summary>
    public static ValueTask<Image> TagAsync(this IImageStore store, Image source, ImageReference target, CancellationToken cancellationToken = default) =>
        store.PutAsync(source with { Name = target.ToString() }, cancellationToken);
}
