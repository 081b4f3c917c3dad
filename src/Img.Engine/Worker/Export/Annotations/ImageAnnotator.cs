using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Images;

namespace Img.Engine.Worker.Export.Annotations;

/// <summary>
/// Writes an exported image again with the build's annotations, as BuildKit's image exporter
/// writes them while it commits: <see cref="AnnotationType.Manifest"/> ones into each manifest,
/// <see cref="AnnotationType.ManifestDescriptor"/> ones onto each index entry (or, for one
/// platform, onto the returned descriptor), <see cref="AnnotationType.Index"/> ones into the
/// index and <see cref="AnnotationType.IndexDescriptor"/> ones onto the returned descriptor.
/// Configs and layers are kept; the manifests and the index get new digests. The documents keep
/// the exporter's shape (<see cref="ImageDocuments"/>), so an empty set gives the same bytes.
/// </summary>
public static class ImageAnnotator
{
    /// <summary>Reads a blob of the exported image (it may still be elsewhere: a cluster node, a cache).</summary>
    public delegate Task<byte[]> BlobReader(Descriptor blob, CancellationToken ct);

    /// <param name="image">The exported manifest, or index of a build of several platforms.</param>
    /// <returns>The descriptor of the annotated manifest or index, with its descriptor annotations.</returns>
    public static async Task<Descriptor> AnnotateAsync(Descriptor image, AnnotationSet annotations, BlobReader read, IContentIngester content, CancellationToken ct)
    {
        if (annotations.IsEmpty)
            return image;
        if (!MediaTypes.IsIndex(image.MediaType))
        {
            var own = annotations.For(null);
            var manifest = await AnnotateManifestAsync(image, own, read, content, ct).ConfigureAwait(false);
            return manifest with { Annotations = ImageAnnotations.OrNull(own.ManifestDescriptor) };
        }

        var index = Parse<ImageIndex>(await read(image, ct).ConfigureAwait(false), image);
        var entries = new List<Descriptor>(index.Manifests.Count);
        foreach (var entry in index.Manifests)
        {
            var forPlatform = annotations.For(entry.Platform);
            var manifest = await AnnotateManifestAsync(entry, forPlatform, read, content, ct).ConfigureAwait(false);
            entries.Add(entry with { Digest = manifest.Digest, Size = manifest.Size, Annotations = ImageAnnotations.OrNull(forPlatform.ManifestDescriptor) });
        }
        var whole = annotations.For(null);
        var bytes = ImageDocuments.Index(index with { Manifests = entries, Annotations = ImageAnnotations.OrNull(whole.Index) });
        var info = await content.WriteBlobAsync(bytes, null, ct).ConfigureAwait(false);
        return new Descriptor
        {
            MediaType = image.MediaType,
            Digest = info.Digest.ToString(),
            Size = info.Size,
            Annotations = ImageAnnotations.OrNull(whole.IndexDescriptor),
        };
    }

    private static async Task<Descriptor> AnnotateManifestAsync(Descriptor descriptor, ImageAnnotations annotations, BlobReader read, IContentIngester content, CancellationToken ct)
    {
        if (annotations.Manifest.Count == 0)
            return descriptor with { Annotations = null };
        var manifest = Parse<ImageManifest>(await read(descriptor, ct).ConfigureAwait(false), descriptor);
        var bytes = ImageDocuments.Manifest(manifest with { Annotations = annotations.Manifest });
        var info = await content.WriteBlobAsync(bytes, null, ct).ConfigureAwait(false);
        return new Descriptor { MediaType = descriptor.MediaType, Digest = info.Digest.ToString(), Size = info.Size };
    }

    private static T Parse<T>(byte[] bytes, Descriptor descriptor) =>
        JsonSerializer.Deserialize<T>(bytes, ImageJson.Options) ?? throw new InvalidDataException($"{descriptor.MediaType} {descriptor.Digest} is JSON null");
}
