using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// Disk usage per blob: which images reach each blob and as what, and which blobs no image
/// reaches (reclaimable by <see cref="GarbageCollector"/>). Images are walked in name order, so
/// the blobs of the first image come first; unreferenced blobs follow, by digest.
/// </summary>
public static class DiskUsage
{
    public static async ValueTask<IReadOnlyList<BlobUsage>> ComputeAsync(IContentStore content, IImageStore images, CancellationToken cancellationToken = default)
    {
        var order = new List<Digest>();
        var kinds = new Dictionary<Digest, string>();
        var users = new Dictionary<Digest, List<string>>();
        foreach (var image in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = References.ImageReference.TryParse(image.Name, out var r) ? r.FamiliarName : image.Name;
            var seen = new HashSet<Digest>();
            var pending = new Stack<Descriptor>();
            pending.Push(image.Target);
            while (pending.TryPop(out var descriptor))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Digest.TryParse(descriptor.Digest, out var digest) || !seen.Add(digest)) continue;
                if (!users.TryGetValue(digest, out var list))
                {
                    users[digest] = list = [];
                    kinds[digest] = KindOf(descriptor.MediaType);
                    order.Add(digest);
                }
                list.Add(name);
                var children = await ImageWalker.ChildrenAsync(content, descriptor, cancellationToken).ConfigureAwait(false);
                for (var i = children.Count - 1; i >= 0; i--) pending.Push(children[i]);
            }
        }

        var blobs = new Dictionary<Digest, ContentInfo>();
        await foreach (var info in content.ListAsync(cancellationToken).ConfigureAwait(false))
            blobs[info.Digest] = info;

        var result = new List<BlobUsage>();
        foreach (var digest in order)
        {
            if (blobs.Remove(digest, out var info)) result.Add(new BlobUsage(info, kinds[digest], users[digest]));
        }
        foreach (var info in blobs.Values.OrderBy(b => b.Digest))
            result.Add(new BlobUsage(info, "blob", []));
        return result;
    }

    private static string KindOf(string mediaType) => mediaType switch
    {
        _ when MediaTypes.IsIndex(mediaType) => "index",
        _ when MediaTypes.IsManifest(mediaType) => "manifest",
        _ when MediaTypes.IsConfig(mediaType) => "config",
        _ when mediaType.Contains("layer", StringComparison.Ordinal) || mediaType.Contains("rootfs", StringComparison.Ordinal) => "layer",
        _ => "blob",
    };
}
