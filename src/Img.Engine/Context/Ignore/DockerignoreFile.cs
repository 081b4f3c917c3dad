using Img.Engine.Paths;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// Reads a <c>.dockerignore</c> file into its ordered pattern list, with moby/patternmatcher's
/// <c>ignorefile.ReadAll</c> rules:
/// <list type="bullet">
/// <item>a UTF-8 byte-order mark at the start is dropped;</item>
/// <item>a line whose first character is <c>#</c> is a comment (an indented <c>#</c> is a pattern);</item>
/// <item>surrounding whitespace is trimmed and blank lines are skipped;</item>
/// <item>a leading <c>!</c> marks an exception (whitespace after it is trimmed too);</item>
/// <item>the rest is cleaned like Go's <c>filepath.Clean</c> (so a trailing <c>/</c> goes), and a
/// leading <c>/</c> is removed, making <c>/a</c> and <c>a</c> the same pattern.</item>
/// </list>
/// </summary>
public static class DockerignoreFile
{
    /// <summary>The default file name at the context root.</summary>
    public const string DefaultName = ".dockerignore";

    public static IReadOnlyList<string> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(reader.ReadToEnd());
    }

    public static IReadOnlyList<string> Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var patterns = new List<string>();
        if (content.StartsWith('\uFEFF'))
        {
            content = content[1..];
        }
        // Lines end at '\n' only, with one '\r' before it dropped (Go's bufio.ScanLines); a
        // final line without a newline still counts.
        var lines = content.Split('\n');
        int count = content.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (int n = 0; n < count; n++)
        {
            string line = lines[n];
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            string pattern = line.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }
            bool invert = pattern[0] == '!';
            if (invert)
            {
                pattern = pattern[1..].Trim();
            }
            if (pattern.Length > 0)
            {
                pattern = GoPath.Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                {
                    pattern = pattern[1..];
                }
            }
            patterns.Add(invert ? "!" + pattern : pattern);
        }
        return patterns;
    }
}
