using System.Text.RegularExpressions;
using Img.Engine.Content;
using Img.Engine.References;

namespace Img.Engine.Images;

/// <summary>
/// Finds images the way docker does: by reference (<c>busybox</c> = <c>docker.io/library/busybox:latest</c>),
/// else by image id (config digest) or manifest digest, full (<c>sha256:…</c>) or as a unique hex prefix.
/// </summary>
public static partial class ImageLookup
{
    [GeneratedRegex("^(sha256:)?[0-9a-f]{1,64}$")]
    private static partial Regex IdSyntax();

    /// <summary>The images <paramref name="nameOrId"/> names: one for a reference, every name of the image for an id.</summary>
    /// <exception cref="ImageNotFoundException">Nothing matches.</exception>
    /// <exception cref="InvalidReferenceException">The text is neither a valid reference nor an id.</exception>
    /// <exception cref="InvalidDataException">An id prefix matches several different images.</exception>
    public static async ValueTask<IReadOnlyList<Image>> FindAsync(IImageStore images, IContentStore content, string nameOrId, CancellationToken cancellationToken = default)
    {
        ImageReference.TryParse(nameOrId, out var reference);
        if (reference is not null)
        {
            var byName = await images.GetAsync(reference, cancellationToken).ConfigureAwait(false);
            if (byName is not null) return [byName];
        }
        if (!IdSyntax().IsMatch(nameOrId))
        {
            if (reference is null) ImageReference.Parse(nameOrId); // throws with docker's reason
            throw new ImageNotFoundException(reference!.FamiliarName);
        }

        var prefix = nameOrId.StartsWith(Digest.Sha256 + ":", StringComparison.Ordinal) ? nameOrId[(Digest.Sha256.Length + 1)..] : nameOrId;
        var matches = new List<(Image Image, string Id)>();
        foreach (var image in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var targetHex = Digest.TryParse(image.Target.Digest, out var t) ? t.Hex : "";
            string? id = null;
            try
            {
                id = (await ImageResolver.ResolveAsync(content, image, null, cancellationToken).ConfigureAwait(false)).Id.Hex;
            }
            catch (Exception e) when (e is ContentNotFoundException or InvalidDataException)
            {
                // A broken image can still be found by its target digest.
            }
            if (id is not null && id.StartsWith(prefix, StringComparison.Ordinal)) matches.Add((image, id));
            else if (targetHex.StartsWith(prefix, StringComparison.Ordinal)) matches.Add((image, id ?? targetHex));
        }
        if (matches.Count == 0)
            throw new ImageNotFoundException(reference?.FamiliarName ?? nameOrId);
        var ids = matches.Select(m => m.Id).Distinct().ToList();
        if (ids.Count > 1)
            throw new InvalidDataException($"{nameOrId} is ambiguous: it matches {ids.Count} images ({string.Join(", ", ids.Select(i => i[..12]))})");
        return matches.Select(m => m.Image).ToList();
    }

    /// <summary>The single image for a name or id: the named one, or the first name of the id.</summary>
    public static async ValueTask<Image> FindOneAsync(IImageStore images, IContentStore content, string nameOrId, CancellationToken cancellationToken = default) =>
        (await FindAsync(images, content, nameOrId, cancellationToken).ConfigureAwait(false))[0];
}
