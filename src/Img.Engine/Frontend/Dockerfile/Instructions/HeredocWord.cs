using System.Text.RegularExpressions;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// Recognises an argument that names a here-document (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-"EOF"</c>,
/// <c>3&lt;&lt;EOF</c>) and strips leading tabs for <c>&lt;&lt;-</c> bodies.
/// </summary>
internal static partial class HeredocWord
{
    [GeneratedRegex(@"^(\d*)<<(-?)\s*([^<]*)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\t+", RegexOptions.Multiline)]
    private static partial Regex LeadingTabs();

    /// <summary>The delimiter name if <paramref name="word"/> is a here-document word, else null.</summary>
    public static string? Name(string word)
    {
        var match = Pattern().Match(word);
        if (!match.Success)
            return null;
        var rest = match.Groups[3].Value.Replace("\"", "").Replace("'", "");
        return rest.Length == 0 || rest.Any(char.IsWhiteSpace) ? null : rest;
    }

    public static bool IsChomp(string word)
    {
        var match = Pattern().Match(word);
        return match.Success && match.Groups[2].Value == "-";
    }

    public static string Chomp(string content) => LeadingTabs().Replace(content, "");
}
