using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Images;

/// <summary>The size <c>img ls</c> shows: config plus layers (compressed, as stored).</summary>
public static class ImageSize
{
    /// <summary>
    /// For a manifest, its config size plus its layer sizes. For an index, the same for the
    /// manifest matching <paramref name="platform"/> when given; otherwise the distinct configs
    /// and layers of every manifest present in the store. Zero when the target blob is missing.
    /// </summary>
    public static async ValueTask<long> ComputeAsync(IContentProvider provider, Descriptor target, Platform? platform = null, CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        var manifests = new List<Descriptor>();
        if (MediaTypes.IsIndex(target.MediaType))
        {
            var children = await ImageWalker.ChildrenAsync(provider, target, cancellationToken).ConfigureAwait(false);
            var candidates = children.Where(c => MediaTypes.IsManifest(c.MediaType)).ToList();
            if (platform is not null)
                candidates = PlatformMatcher.Select(candidates, platform) is { } match ? [match] : [];
            manifests.AddRange(candidates);
        }
        else
        {
            manifests.Add(target);
        }

        foreach (var manifest in manifests)
        {
            foreach (var blob in await ImageWalker.ChildrenAsync(provider, manifest, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(blob.Digest)) total += blob.Size;
            }
        }
        return total;
    }
}
