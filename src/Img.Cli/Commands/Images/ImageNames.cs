using Img.Engine.References;

namespace Img.Cli.Commands.Images;

/// <summary>How the image commands read and show names.</summary>
internal static class ImageNames
{
    /// <summary>A name to create (tag, import, load target): a tagged reference, <c>latest</c> by default, no digest.</summary>
    /// <exception cref="UserFacingException">With docker's wording and the parser's reason.</exception>
    public static ImageReference ParseNew(string text)
    {
        ImageReference reference;
        try
        {
            reference = ImageReference.Parse(text);
        }
        catch (InvalidReferenceException e)
        {
            throw new UserFacingException($"Error parsing reference: \"{text}\" is not a valid repository/tag: {e.Message}");
        }
        if (reference.Digest is not null)
            throw new UserFacingException($"refusing to create a tag with a digest reference: \"{text}\"");
        return reference;
    }

    /// <summary>The familiar form of a stored (canonical) name: <c>busybox:latest</c>.</summary>
    public static string Familiar(string canonical) =>
        ImageReference.TryParse(canonical, out var r) ? r.FamiliarName : canonical;
}
