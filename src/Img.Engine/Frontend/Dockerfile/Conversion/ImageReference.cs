using System.Text.RegularExpressions;
using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Familiar image names made canonical, as <c>reference.ParseNormalizedNamed</c> + <c>TagNameOnly</c>
/// do: <c>alpine</c> → <c>docker.io/library/alpine:latest</c>.
/// </summary>
internal static partial class ImageReference
{
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex Path();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")]
    private static partial Regex Digest();

    /// <exception cref="InstructionException"><c>invalid reference format</c> messages.</exception>
    public static string Normalize(string reference)
    {
        var name = reference;
        string? digest = null;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            digest = name[(at + 1)..];
            name = name[..at];
            if (!Digest().IsMatch(digest))
                throw new InstructionException("invalid reference format");
        }
        string? tag = null;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!Tag().IsMatch(tag))
                throw new InstructionException("invalid reference format");
        }
        string domain;
        string path;
        var slash = name.IndexOf('/');
        if (slash < 0 || !(name[..slash].Contains('.') || name[..slash].Contains(':') || name[..slash] == "localhost" || name[..slash] != name[..slash].ToLowerInvariant()))
        {
            domain = "docker.io";
            path = name;
        }
        else
        {
            domain = name[..slash];
            path = name[(slash + 1)..];
        }
        if (domain == "index.docker.io")
            domain = "docker.io";
        if (domain == "docker.io" && !path.Contains('/'))
            path = "library/" + path;
        if (path != path.ToLowerInvariant())
            throw new InstructionException($"invalid reference format: repository name ({path}) must be lowercase");
        if (!Path().IsMatch(path))
            throw new InstructionException("invalid reference format");
        var result = domain + "/" + path;
        if (tag is not null)
            result += ":" + tag;
        else if (digest is null)
            result += ":latest";
        if (digest is not null)
            result += "@" + digest;
        return result;
    }
}
