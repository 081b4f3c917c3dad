using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// Mark and sweep over the content store: marks every blob reachable from an image target
/// (index → manifests, manifest → config + layers) or from an extra root the caller supplies
/// (build cache records), then deletes the rest. Run it under the
/// <see cref="State.StateLock"/>: a blob ingested by a concurrent build that is not yet named
/// by an image would otherwise look unreferenced.
/// </summary>
public sealed class GarbageCollector(IContentStore content, IImageStore images)
{
    /// <summary>Every digest reachable from the images and <paramref name="extraRoots"/>.</summary>
    public async ValueTask<IReadOnlySet<Digest>> MarkAsync(IEnumerable<Descriptor>? extraRoots = null, CancellationToken cancellationToken = default)
    {
        var marked = new HashSet<Digest>();
        var pending = new Stack<Descriptor>();
        foreach (var image in await images.ListAsync(cancellationToken).ConfigureAwait(false))
            pending.Push(image.Target);
        foreach (var root in extraRoots ?? [])
            pending.Push(root);

        while (pending.TryPop(out var descriptor))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Digest.TryParse(descriptor.Digest, out var digest) || !marked.Add(digest)) continue;
            foreach (var child in await ImageWalker.ChildrenAsync(content, descriptor, cancellationToken).ConfigureAwait(false))
                pending.Push(child);
        }
        return marked;
    }

    /// <summary>
    /// Deletes every blob not reachable from an image or <paramref name="extraRoots"/>, or only
    /// reports them when <paramref name="dryRun"/> (for <c>img du</c>).
    /// </summary>
    public async ValueTask<GarbageCollectionResult> CollectAsync(IEnumerable<Descriptor>? extraRoots = null, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var marked = await MarkAsync(extraRoots, cancellationToken).ConfigureAwait(false);
        var removed = new List<ContentInfo>();
        var keptCount = 0;
        long keptBytes = 0;
        await foreach (var info in content.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (marked.Contains(info.Digest))
            {
                keptCount++;
                keptBytes += info.Size;
                continue;
            }
            if (dryRun || await content.DeleteAsync(info.Digest, cancellationToken).ConfigureAwait(false))
                removed.Add(info);
        }
        return new GarbageCollectionResult(removed, keptCount, keptBytes, dryRun);
    }
}
