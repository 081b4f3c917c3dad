using Img.Cli.Commands.Build.Caching;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Engine.Worker.Export.Annotations;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The built image with the build's annotations (<see cref="ImageAnnotator"/>), written here:
/// its manifests are read from wherever the build left them (this store, a cluster node, an
/// imported cache) and the annotated documents are stored in this process's content store, from
/// where every output delivers them, as an inline cache's rewritten documents are.
/// </summary>
internal static class AnnotatedImage
{
    public static async Task<CacheResult> ApplyAsync(CacheResult target, AnnotationSet annotations, ExportBlobs blobs, IContentStore content, CancellationToken ct)
    {
        var image = target.Image ?? throw new UserFacingException("the build produced no image");
        var annotated = await ImageAnnotator.AnnotateAsync(image, annotations, (blob, c) => ReadAsync(blobs, blob, c), content, ct);
        return target with { Image = annotated };
    }

    private static async Task<byte[]> ReadAsync(ExportBlobs blobs, Descriptor blob, CancellationToken ct)
    {
        await using var stream = await blobs.OpenAsync(blob, ct);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct);
        return memory.ToArray();
    }
}
