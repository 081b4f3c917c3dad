using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Images;

/// <summary>One platform's manifest of a stored index, as <c>img inspect</c> lists it.</summary>
/// <param name="Descriptor">The index entry (with its platform).</param>
/// <param name="Available">Whether the manifest and every blob it names are in the local store.</param>
/// <param name="Size">The manifest's config and layers, as stored (what is here of them).</param>
public sealed record IndexManifest(Descriptor Descriptor, bool Available, long Size)
{
    /// <summary>The manifests of <paramref name="target"/> when it is an index; empty for a manifest.</summary>
    public static async Task<IReadOnlyList<IndexManifest>> ListAsync(IContentStore content, Descriptor target, CancellationToken ct)
    {
        if (!MediaTypes.IsIndex(target.MediaType) || !await content.ExistsAsync(target, ct))
            return [];
        var result = new List<IndexManifest>();
        foreach (var child in await ImageWalker.ChildrenAsync(content, target, ct))
        {
            var available = await content.ExistsAsync(child, ct);
            long size = 0;
            if (available && MediaTypes.IsManifest(child.MediaType))
            {
                foreach (var blob in await ImageWalker.ChildrenAsync(content, child, ct))
                {
                    if (await content.ExistsAsync(blob, ct))
                        size += blob.Size;
                    else
                        available = false;
                }
            }
            result.Add(new IndexManifest(child, available, size));
        }
        return result;
    }
}
